# Third-party packages. All come from Debian (scripts/setup.sh installs them); SDL2 for wasm is built
# by scripts/setup.sh into the cache. Under emcmake the find root path is the Emscripten sysroot, so
# host packages are looked up with NO_CMAKE_FIND_ROOT_PATH.
set(_xdg_cache "$ENV{XDG_CACHE_HOME}")
if(NOT _xdg_cache)
    set(_xdg_cache "$ENV{HOME}/.cache")
endif()
set(INTERLEAVE_CACHE_DIR "${_xdg_cache}/interleave" CACHE PATH "scripts/setup.sh's cache")

# ---- nlohmann_json (header only) ----
if(EMSCRIPTEN)
    find_package(nlohmann_json 3.11 REQUIRED
        PATHS /usr/share/cmake/nlohmann_json /usr/lib/cmake/nlohmann_json NO_CMAKE_FIND_ROOT_PATH)
    # The Debian target points at /usr/include, which would put glibc's headers in front of
    # Emscripten's libc. Give the wasm build a copy of just the nlohmann headers instead.
    get_target_property(_json_inc nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
    list(GET _json_inc 0 _json_inc)
    file(COPY ${_json_inc}/nlohmann DESTINATION ${CMAKE_BINARY_DIR}/_deps/nlohmann_json/include)
    set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES ${CMAKE_BINARY_DIR}/_deps/nlohmann_json/include)
else()
    find_package(nlohmann_json 3.11 REQUIRED)
endif()

# ---- SDL2 and OpenGL (the app only) ----
if(INTERLEAVE_BUILD_APP)
    if(EMSCRIPTEN)
        set(SDL2_VERSION_WANTED 2.26.5)
        if(INTERLEAVE_WASM_THREADS)
            set(_sdl_variant threads)
        else()
            set(_sdl_variant single)
        endif()
        # The flavour is scripts/setup.sh's SDL_WASM_FLAVOUR: SDL with video, events and GL only.
        set(INTERLEAVE_SDL2_WASM_PREFIX
            "${INTERLEAVE_CACHE_DIR}/sdl2-wasm-${_sdl_variant}-${SDL2_VERSION_WANTED}-video-gl"
            CACHE PATH "SDL2 built for wasm by scripts/setup.sh")
        if(NOT EXISTS "${INTERLEAVE_SDL2_WASM_PREFIX}/.interleave-ok")
            message(FATAL_ERROR "SDL2 ${SDL2_VERSION_WANTED} for wasm (${_sdl_variant}) not found in "
                "${INTERLEAVE_SDL2_WASM_PREFIX}. Run scripts/setup.sh first.")
        endif()
        # A build directory configured against another prefix (an older flavour) has SDL2_DIR cached there.
        string(FIND "${SDL2_DIR}" "${INTERLEAVE_SDL2_WASM_PREFIX}/" _sdl_dir_in_prefix)
        if(NOT _sdl_dir_in_prefix EQUAL 0)
            unset(SDL2_DIR CACHE)
        endif()
        find_package(SDL2 ${SDL2_VERSION_WANTED} EXACT REQUIRED CONFIG
            PATHS "${INTERLEAVE_SDL2_WASM_PREFIX}" NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
        add_library(interleave_sdl2 INTERFACE)
        target_link_libraries(interleave_sdl2 INTERFACE SDL2::SDL2-static)
    else()
        find_package(SDL2 REQUIRED)
        add_library(interleave_sdl2 INTERFACE)
        if(TARGET SDL2::SDL2)
            target_link_libraries(interleave_sdl2 INTERFACE SDL2::SDL2)
        else()
            target_include_directories(interleave_sdl2 INTERFACE ${SDL2_INCLUDE_DIRS})
            target_link_libraries(interleave_sdl2 INTERFACE ${SDL2_LIBRARIES})
        endif()
        find_package(PNG)
    endif()
endif()

# ---- GoogleTest ----
if(INTERLEAVE_BUILD_TESTS)
    if(EMSCRIPTEN)
        if(NOT INTERLEAVE_WASM_THREADS)
            set(gtest_disable_pthreads ON CACHE BOOL "" FORCE)
        endif()
        set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
        set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
        if(NOT EXISTS /usr/src/googletest/CMakeLists.txt)
            message(FATAL_ERROR "GoogleTest sources not found in /usr/src/googletest: run scripts/setup.sh (libgtest-dev)")
        endif()
        add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/_deps/googletest EXCLUDE_FROM_ALL)
        # googletest 1.12 already defines GTest::gtest and GTest::gtest_main aliases.
        if(NOT TARGET GTest::gtest)
            add_library(GTest::gtest ALIAS gtest)
            add_library(GTest::gtest_main ALIAS gtest_main)
        endif()
    else()
        find_package(GTest REQUIRED)
        include(GoogleTest)
    endif()
endif()
