# The platform layer (one header, one .cpp per platform, chosen here) and the interleave executable.
set(_platform_dir ${PROJECT_SOURCE_DIR}/src/platform)
if(EMSCRIPTEN)
    set(_platform_impl ${_platform_dir}/platform_sdl_web.cpp)
else()
    set(_platform_impl ${_platform_dir}/platform_sdl_native.cpp)
endif()
add_library(interleave_platform STATIC ${_platform_impl} ${_platform_dir}/options.cpp ${_platform_dir}/png.cpp
    ${_platform_dir}/gl_timeline.cpp ${_platform_dir}/sdl_events.cpp)
target_include_directories(interleave_platform PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_compile_features(interleave_platform PUBLIC cxx_std_20)
# gl_timeline.cpp implements the timeline's GPU renderer (ui/timeline_gpu.h) with shaders/ (interleave_shaders).
target_link_libraries(interleave_platform PUBLIC imgui_backends interleave_ui interleave_shaders)
interleave_set_warnings(interleave_platform)

file(GLOB INTERLEAVE_APP_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/app/*.cpp)
# Real runs (run, check, calibrate, export-python) where src/native builds: natively only.
if(TARGET interleave_native)
    list(APPEND INTERLEAVE_APP_SOURCES ${PROJECT_SOURCE_DIR}/src/app/real_runs/with_native.cpp)
else()
    list(APPEND INTERLEAVE_APP_SOURCES ${PROJECT_SOURCE_DIR}/src/app/real_runs/without.cpp)
endif()
add_executable(interleave ${INTERLEAVE_APP_SOURCES})
target_link_libraries(interleave PRIVATE interleave_platform interleave_ui interleave_cli interleave_memory)
if(TARGET interleave_native)
    target_link_libraries(interleave PRIVATE interleave_native)
endif()
interleave_set_warnings(interleave)

if(EMSCRIPTEN)
    # Emit .js (Debian's emcc crashes minifying .html at -O2+); web/app.html is the page.
    set_target_properties(interleave PROPERTIES SUFFIX ".js")
    interleave_wasm_link_common(interleave)
    # A '$' inside a -s list gets mangled by CMake: pass the lists through @files.
    file(WRITE ${CMAKE_BINARY_DIR}/exported_functions.json "[\"_main\", \"_malloc\", \"_free\", \"_interleave_test_state\", \"_interleave_get_view_state\", \"_interleave_apply_view_state\", \"_interleave_show_link_error\", \"_interleave_link_ready\", \"_interleave_open_trace\", \"_interleave_refuse_trace\", \"_interleave_refuse_oversized_trace\"]")
    file(WRITE ${CMAKE_BINARY_DIR}/exported_runtime.json "[\"ccall\", \"cwrap\", \"UTF8ToString\", \"stringToUTF8\", \"lengthBytesUTF8\"]")
    target_link_options(interleave PRIVATE
        -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
        # The GLES3 path of Dear ImGui's OpenGL3 backend and SDL use no WebGL extension: do not enable every extension
        # the browser offers when the context is made current (about 30 getExtension calls into the GPU process,
        # 25-35 ms of start-up measured in headless Chromium).
        -sGL_SUPPORT_AUTOMATIC_ENABLE_EXTENSIONS=0
        -sENVIRONMENT=web$<$<BOOL:${INTERLEAVE_WASM_THREADS}>:,worker>
        # No file system in the page: fonts and presets are compiled in, traces arrive as text
        # (interleave_open_trace), pictures and scenarios leave through the page's downloads (platform::SaveFile);
        # stdout and stderr still reach the console. Emscripten's FS library was 13 KB of the 46.6 KB gzipped
        # interleave.js.
        -sFILESYSTEM=0
        # Dear ImGui's built-in font is never used: see __wrap__ZN11ImFontAtlas14AddFontDefaultEPK12ImFontConfig in
        # src/platform/platform_sdl_web.cpp.
        -Wl,--wrap=_ZN11ImFontAtlas14AddFontDefaultEPK12ImFontConfig
        -sEXPORTED_FUNCTIONS=@${CMAKE_BINARY_DIR}/exported_functions.json
        -sEXPORTED_RUNTIME_METHODS=@${CMAKE_BINARY_DIR}/exported_runtime.json)
    # Rendering stays on the browser main thread: no PROXY_TO_PTHREAD (it breaks SDL's GL on 3.1.6).
endif()
