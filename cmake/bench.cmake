# A plain timing program (no Google Benchmark), so the same program runs natively and as wasm under node
# (scripts/bench.sh prints both): interleave_timing_tool(<target> <source> <library>).
function(interleave_timing_tool target source library)
    add_executable(${target} EXCLUDE_FROM_ALL ${source})
    target_link_libraries(${target} PRIVATE ${library} interleave_memory)
    interleave_set_warnings(${target})
    if(EMSCRIPTEN)
        interleave_wasm_node_test(${target})
    endif()
endfunction()

# The simulator's speed on the benchmark workloads.
interleave_timing_tool(interleave_simbench ${PROJECT_SOURCE_DIR}/tools/simbench/main.cpp interleave_models)
# One whole playground frame (headless ImGui, no GPU) with 10K..10M spans in view; 10M spans are 320 MB
# of trace, within the 2 GB a growable wasm heap gets by default.
if(TARGET interleave_ui)
    interleave_timing_tool(interleave_uibench ${PROJECT_SOURCE_DIR}/tools/uibench/main.cpp interleave_ui)
endif()
# The timeline's frame, GPU renderer against CPU quads, in a real GL 3.3 context (natively, under Xvfb).
if(TARGET interleave_platform AND NOT EMSCRIPTEN)
    interleave_timing_tool(interleave_gpubench ${PROJECT_SOURCE_DIR}/tools/gpubench/main.cpp interleave_platform)
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
target_link_libraries(interleave_bench PRIVATE interleave_cli interleave_ui interleave_memory benchmark::benchmark benchmark::benchmark_main)
target_compile_definitions(interleave_bench PRIVATE INTERLEAVE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
interleave_set_warnings(interleave_bench)
