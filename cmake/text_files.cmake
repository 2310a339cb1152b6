# Embeds text files into generated C++ at configure time (presets, shaders, the real-run Python scripts):
# one implementation of reading, delimiter checking, configure dependencies and write-if-changed.
#
# interleave_embed_text_files(<out_var> <count_var> ENTRY <C++ type> DELIMITER <tag> [STEM] FILES <files...>)
#   Sets <out_var> to the array initialiser lines `    <type>{"<name>", R"<tag>(<text>)<tag>"},` and
#   <count_var> to their number, for the files sorted by path. The name is the file name, or its stem
#   with STEM. Every file becomes a configure dependency, so editing one regenerates the output.
function(interleave_embed_text_files out_var count_var)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "STEM" "ENTRY;DELIMITER" "FILES")
    set(files ${ARG_FILES})
    list(SORT files)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${files})
    set(entries "")
    set(count 0)
    foreach(file IN LISTS files)
        if(ARG_STEM)
            get_filename_component(name ${file} NAME_WE)
        else()
            get_filename_component(name ${file} NAME)
        endif()
        file(READ ${file} text)
        string(FIND "${text}" ")${ARG_DELIMITER}\"" clash)
        if(NOT clash EQUAL -1)
            message(FATAL_ERROR "${file} contains the raw-string delimiter )${ARG_DELIMITER}\"")
        endif()
        string(APPEND entries "    ${ARG_ENTRY}{\"${name}\", R\"${ARG_DELIMITER}(${text})${ARG_DELIMITER}\"},\n")
        math(EXPR count "${count} + 1")
    endforeach()
    set(${out_var} "${entries}" PARENT_SCOPE)
    set(${count_var} ${count} PARENT_SCOPE)
endfunction()

# interleave_write_if_changed(<path> <content>): an unchanged file keeps its time stamp, so an unrelated
# reconfigure rebuilds nothing.
function(interleave_write_if_changed path content)
    set(old "")
    if(EXISTS ${path})
        file(READ ${path} old)
    endif()
    if(NOT old STREQUAL content)
        file(WRITE ${path} "${content}")
    endif()
endfunction()
