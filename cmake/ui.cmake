# interleave_ui: every .cpp under src/ui (glob, so views can be added freely). Reads trace and scenario,
# runs models; draws with Dear ImGui core only (no backend), so it can be unit-tested headless.
file(GLOB_RECURSE INTERLEAVE_UI_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/ui/*.cpp)
add_library(interleave_ui STATIC ${INTERLEAVE_UI_SOURCES})
target_include_directories(interleave_ui PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_compile_features(interleave_ui PUBLIC cxx_std_20)
target_link_libraries(interleave_ui PUBLIC imgui interleave_models interleave_scenario interleave_trace interleave_shaders
    interleave_fonts)
if(NOT EMSCRIPTEN)
    find_package(Threads REQUIRED)
    target_link_libraries(interleave_ui PUBLIC Threads::Threads)
endif()
interleave_set_warnings(interleave_ui)
