# Emscripten settings shared by every target of a web build. Natively this file defines
# interleave_wasm_size_optimised, which then does nothing.
# Two web builds come from one code base: threaded (-pthread, needs crossOriginIsolated) and
# single-threaded. Everything linked into a -pthread binary must itself be compiled with -pthread,
# so the flag is set globally here, before any target exists.

# interleave_wasm_size_optimised(<targets>...): the code that draws and reads settings (Dear ImGui, the UI, the
# platform layer, the app, the scenario's parser) compiled for size (-Os); the simulator, the trace and the JSON reader
# stay at -O3. Measured side by side in one run (web-single, node): the page's wasm 686 -> 616 KB gzipped; a whole
# playground frame (tools/uibench) 0.76 -> 1.19 ms at 10K spans, 0.55 -> 1.03 ms at 1M; the simulator
# (tools/simbench) unchanged. The whole wasm at -Oz would be 549 KB, but ran the simulator 3.8x and the frame 3x slower.
# Keeping the timeline's files and imgui_draw.cpp at -O3 gave back no frame time (1.19 ms) for 4 KB: not done.
function(interleave_wasm_size_optimised)
    if(NOT EMSCRIPTEN OR NOT INTERLEAVE_WASM_SIZE_OPT)
        return()
    endif()
    foreach(target IN LISTS ARGN)
        if(TARGET ${target})
            target_compile_options(${target} PRIVATE -Os)
        endif()
    endforeach()
endfunction()
option(INTERLEAVE_WASM_SIZE_OPT "web builds: compile the drawing code for size" ON)

if(NOT EMSCRIPTEN)
    return()
endif()

if(INTERLEAVE_WASM_THREADS)
    add_compile_options(-pthread)
    add_link_options(-pthread)
endif()

# Link-time optimisation over everything this build compiles (SDL comes prebuilt; Emscripten links its own LTO system
# libraries). Measured side by side in one run (web-single, node; platform_sdl_web.cpp's eglGetProcAddress in both):
# the page's wasm 558.3 -> 550.5 KB gzipped; the simulator (tools/simbench, best of 4 alternating rounds of 10) 0.93 to
# 0.95x the time on every workload; a playground frame (tools/uibench) 0.91-0.99 -> 0.87 ms at 10K spans, 1.03 ->
# 0.88-0.91 ms at 100K. The app's link takes 37 s instead of 21 s here.
option(INTERLEAVE_WASM_LTO "web builds: link-time optimisation" ON)
if(INTERLEAVE_WASM_LTO)
    add_compile_options(-flto)
    add_link_options(-flto)
endif()

# interleave_wasm_link_common(<target>): flags for every wasm executable (tests and app).
function(interleave_wasm_link_common target)
    target_link_options(${target} PRIVATE -sALLOW_MEMORY_GROWTH=1 -sTOTAL_STACK=1MB -Wno-pthreads-mem-growth)
    if(INTERLEAVE_WASM_THREADS AND target STREQUAL "interleave")
        # The app starts one background thread (src/ui/executor.cpp) for large scenarios, comparisons and
        # sweeps; small ones (the presets) simulate inline, so main() and the first frame need not wait for the
        # worker to load: PTHREAD_POOL_DELAY_LOAD. SDL's timer thread is not started.
        target_link_options(${target} PRIVATE -sPTHREAD_POOL_SIZE=1 -sPTHREAD_POOL_DELAY_LOAD=1)
    elseif(INTERLEAVE_WASM_THREADS)
        target_link_options(${target} PRIVATE -sPTHREAD_POOL_SIZE=4)
    endif()
endfunction()

# interleave_wasm_node_test(<target>): a test binary that runs under node (ctest uses node as emulator).
# NODERAWFS lets tests read repository files by absolute path; EXIT_RUNTIME lets node exit.
function(interleave_wasm_node_test target)
    interleave_wasm_link_common(${target})
    target_link_options(${target} PRIVATE -sEXIT_RUNTIME=1 -sNODERAWFS=1 -sENVIRONMENT=node$<$<BOOL:${INTERLEAVE_WASM_THREADS}>:,worker>)
    set_target_properties(${target} PROPERTIES SUFFIX ".js" CROSSCOMPILING_EMULATOR "node;--no-experimental-fetch")
endfunction()
