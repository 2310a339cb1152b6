# Dear ImGui 1.90.1 from scripts/setup.sh's cache (never committed). Two targets:
#   imgui           the core (no backend): the UI library and the headless UI tests use it
#   imgui_backends  imgui_impl_sdl2 + imgui_impl_opengl3 (OpenGL ES 3 / WebGL2 under Emscripten)
# No warnings flags for third-party code; its headers are SYSTEM so our -Wall doesn't reach into them.
set(INTERLEAVE_IMGUI_VERSION 1.90.1)
set(INTERLEAVE_IMGUI_DIR "${INTERLEAVE_CACHE_DIR}/imgui-${INTERLEAVE_IMGUI_VERSION}" CACHE PATH
    "Dear ImGui ${INTERLEAVE_IMGUI_VERSION} source folder (scripts/setup.sh unpacks it)")
if(NOT EXISTS "${INTERLEAVE_IMGUI_DIR}/imgui.cpp" OR NOT EXISTS "${INTERLEAVE_IMGUI_DIR}/backends/imgui_impl_sdl2.cpp")
    message(FATAL_ERROR "Dear ImGui ${INTERLEAVE_IMGUI_VERSION} not found in ${INTERLEAVE_IMGUI_DIR}. "
        "Run scripts/setup.sh (or pass -DINTERLEAVE_IMGUI_DIR=<imgui source folder>).")
endif()

add_library(imgui STATIC
    ${INTERLEAVE_IMGUI_DIR}/imgui.cpp
    ${INTERLEAVE_IMGUI_DIR}/imgui_draw.cpp
    ${INTERLEAVE_IMGUI_DIR}/imgui_tables.cpp
    ${INTERLEAVE_IMGUI_DIR}/imgui_widgets.cpp
    ${INTERLEAVE_IMGUI_DIR}/imgui_demo.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${INTERLEAVE_IMGUI_DIR})
# IMGUI_DISABLE_DEBUG_TOOLS: nothing calls the metrics window, the debug log or the ID stack tool; NewFrame() and
# ItemAdd() still reached their hooks, 4.2 KB of the page's wasm gzipped (measured in web-single with LTO).
target_compile_definitions(imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_DISABLE_DEBUG_TOOLS)

if(TARGET interleave_sdl2)
    add_library(imgui_backends STATIC
        ${INTERLEAVE_IMGUI_DIR}/backends/imgui_impl_sdl2.cpp
        ${INTERLEAVE_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
    target_include_directories(imgui_backends SYSTEM PUBLIC ${INTERLEAVE_IMGUI_DIR}/backends)
    target_link_libraries(imgui_backends PUBLIC imgui interleave_sdl2)
    if(EMSCRIPTEN)
        target_compile_definitions(imgui_backends PUBLIC IMGUI_IMPL_OPENGL_ES3)
    else()
        # The OpenGL3 backend loads GL itself (imgui_impl_opengl3_loader.h); it needs dlopen.
        target_link_libraries(imgui_backends PUBLIC ${CMAKE_DL_LIBS})
    endif()
endif()
