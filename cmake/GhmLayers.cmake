# The layers, bottom up, each with its level. A layer links only layers of a lower level,
# PUBLIC or PRIVATE; webapi and ui are siblings on core and never link each other. A
# layer's headers are not on a lower one's include path, so an upward #include does not
# compile either. Headers of core's wings are included by wing ("store/connection.h").
set(GHM_LAYERS ghm_event:0 ghm_collect:1 ghm_store:2 ghm_ingest:3 ghm_query:4 ghm_alert:5
               core:6 webapi:7 ui:7)

# The level of `layer` in `out`; -1 for anything that is not a layer (Qt, zlib...).
function(ghm_level layer out)
    set(found -1)
    foreach(entry IN LISTS GHM_LAYERS)
        string(REPLACE ":" ";" pair ${entry})
        list(GET pair 0 name)
        if(name STREQUAL layer)
            list(GET pair 1 found)
        endif()
    endforeach()
    set(${out} ${found} PARENT_SCOPE)
endfunction()

# Stops the configuration when `target` would link a layer at or above its own level.
function(ghm_check_links target)
    ghm_level(${target} level)
    foreach(dependency IN LISTS ARGN)
        ghm_level(${dependency} dependencyLevel)
        if(NOT dependencyLevel EQUAL -1 AND dependencyLevel GREATER_EQUAL level)
            message(FATAL_ERROR
                    "${target} may not link ${dependency}: layers link only downward, and "
                    "siblings not each other")
        endif()
    endforeach()
endfunction()

# A wing of core is on the include path as a folder of its own name alone (a link under
# the build folder), so that a wing sees only its own headers and those of the wings it
# links, each by wing. Other layers put their folder on the path.
function(ghm_layer target)
    cmake_parse_arguments(ARG "" "" "PUBLIC;PRIVATE" ${ARGN})
    ghm_check_links(${target} ${ARG_PUBLIC} ${ARG_PRIVATE})
    get_filename_component(parent ${CMAKE_CURRENT_SOURCE_DIR} DIRECTORY)
    if(parent STREQUAL "${PROJECT_SOURCE_DIR}/core")
        get_filename_component(wing ${CMAKE_CURRENT_SOURCE_DIR} NAME)
        set(includes ${CMAKE_BINARY_DIR}/wings/${target})
        file(MAKE_DIRECTORY ${includes})
        file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${includes}/${wing} SYMBOLIC)
    else()
        set(includes ${CMAKE_CURRENT_SOURCE_DIR})
    endif()
    target_include_directories(${target} PUBLIC ${includes})
    target_link_libraries(${target} PUBLIC project_options ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
endfunction()
