# interleave_simbench: the simulator's speed on the benchmark workloads without Google Benchmark, so the
# same program runs natively and as wasm under node (scripts/bench.sh compares them).
add_executable(interleave_simbench EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/tools/simbench/main.cpp)
target_link_libraries(interleave_simbench PRIVATE interleave_models)
interleave_set_warnings(interleave_simbench)
if(EMSCRIPTEN)
    interleave_wasm_node_test(interleave_simbench)
endif()

# interleave_uibench: one whole playground frame (headless ImGui, no GPU) with 10K..10M spans in view,
# natively and as wasm under node (scripts/bench.sh prints both).
if(TARGET interleave_ui)
    add_executable(interleave_uibench EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/tools/uibench/main.cpp)
    target_link_libraries(interleave_uibench PRIVATE interleave_ui)
    interleave_set_warnings(interleave_uibench)
    if(EMSCRIPTEN)
        # 10M spans are 480 MB of trace: within the 2 GB a growable wasm heap gets by default.
        interleave_wasm_node_test(interleave_uibench)
    endif()
endif()

# bench/*.cpp -> interleave_bench (Google Benchmark), native only; skipped when bench/ is empty.
file(GLOB_RECURSE INTERLEAVE_BENCH_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/bench/*.cpp)
if(NOT INTERLEAVE_BUILD_BENCH OR NOT INTERLEAVE_BENCH_SOURCES OR EMSCRIPTEN)
    return()
endif()
find_package(benchmark QUIET)
if(NOT benchmark_FOUND)
    message(STATUS "Interleave: Google Benchmark not found; interleave_bench skipped (scripts/setup.sh installs it)")
    return()
endif()
add_executable(interleave_bench ${INTERLEAVE_BENCH_SOURCES})
target_link_libraries(interleave_bench PRIVATE interleave_cli interleave_ui benchmark::benchmark benchmark::benchmark_main)
target_compile_definitions(interleave_bench PRIVATE INTERLEAVE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
interleave_set_warnings(interleave_bench)
