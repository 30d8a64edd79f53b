# The layer guard on its own: cmake -DTARGET=ui -DLINKS="core;webapi" -P check.cmake fails
# when TARGET may not link one of LINKS.
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/GhmLayers.cmake)
ghm_check_links(${TARGET} ${LINKS})
