# INTERLEAVE_SANITIZE: "" (off), "address,undefined" or "thread". Applied to every target of the build
# (our code and the third-party code linked into it, so ASan sees every allocation). Off under Emscripten.
set(INTERLEAVE_SANITIZE "" CACHE STRING "Sanitizers for the whole build: address,undefined | thread | empty")
if(INTERLEAVE_SANITIZE AND EMSCRIPTEN)
    message(STATUS "Interleave: sanitizers are off under Emscripten (asked for ${INTERLEAVE_SANITIZE})")
    set(INTERLEAVE_SANITIZE "" CACHE STRING "" FORCE)
endif()
if(INTERLEAVE_SANITIZE)
    message(STATUS "Interleave: sanitizers ${INTERLEAVE_SANITIZE}")
    add_compile_options(-fsanitize=${INTERLEAVE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=${INTERLEAVE_SANITIZE})
endif()
