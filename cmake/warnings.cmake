# Warnings for our own code only (never for Dear ImGui, SDL or GoogleTest).
# -Werror when the environment variable CI is set (CI=true in .ci/run) or INTERLEAVE_WERROR=ON.
option(INTERLEAVE_WERROR "Treat warnings in Interleave's own code as errors" OFF)
if(DEFINED ENV{CI} AND NOT "$ENV{CI}" STREQUAL "" AND NOT "$ENV{CI}" STREQUAL "false")
    set(INTERLEAVE_WERROR ON)
endif()

function(interleave_set_warnings target)
    if(NOT TARGET ${target})
        return()
    endif()
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
        return()
    endif()
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
        -Wnull-dereference -Wimplicit-fallthrough -Wformat=2)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # GCC 12's -Wnull-dereference fires inside libstdc++ at -O2; keep it a warning.
        target_compile_options(${target} PRIVATE -Wno-error=null-dereference)
    endif()
    if(INTERLEAVE_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
