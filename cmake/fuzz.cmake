# Coverage-guided fuzzing with clang's libFuzzer (preset native-fuzz; scripts/fuzz.sh runs the targets).
# INTERLEAVE_BUILD_FUZZERS=ON: every target of the build is compiled with -fsanitize=fuzzer-no-link (coverage
# counters, no main), and tests/fuzz/fuzz_<target>.cpp each become an executable linked with -fsanitize=fuzzer.
# ASan+UBSan come from INTERLEAVE_SANITIZE (cmake/sanitizers.cmake), which the preset sets, with -O1 -g and no
# NDEBUG so that assert()s stay properties the fuzzer checks. Native clang only.
# Included before any target exists (the flags reach every library); tests/fuzz/CMakeLists.txt is included once
# the whole top-level file has run, so every library it links exists by then (a deferred call may not
# add_subdirectory, so it is include()d: its targets live in the top-level directory).
option(INTERLEAVE_BUILD_FUZZERS "Build the libFuzzer targets in tests/fuzz (clang only; preset native-fuzz)" OFF)
if(NOT INTERLEAVE_BUILD_FUZZERS)
    return()
endif()
if(EMSCRIPTEN)
    message(FATAL_ERROR "INTERLEAVE_BUILD_FUZZERS: native only (libFuzzer has no wasm runtime)")
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "INTERLEAVE_BUILD_FUZZERS needs clang (libFuzzer): use the native-fuzz preset "
        "(clang-14 and libclang-rt-14-dev from scripts/setup.sh), got ${CMAKE_CXX_COMPILER_ID}")
endif()
# UBSan's float-cast-overflow stays on inside Dear ImGui too: a NaN or huge float reaching one of its casts is
# our bug (the share-link target found the Compare table's 0 / 0, tests/fuzz/findings/README.md). OFF only to look
# past such a finding while it is being fixed.
option(INTERLEAVE_FUZZ_IMGUI_FLOAT_CAST "Fuzz build: keep UBSan's float-cast-overflow check inside Dear ImGui" ON)
message(STATUS "Interleave: fuzzers on (-fsanitize=fuzzer-no-link on every target; sanitizers '${INTERLEAVE_SANITIZE}')")
add_compile_options(-fsanitize=fuzzer-no-link)

cmake_language(DEFER CALL include ${PROJECT_SOURCE_DIR}/tests/fuzz/CMakeLists.txt)
