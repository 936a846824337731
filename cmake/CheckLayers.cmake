# Fails on an #include that crosses the floors of cmake/Layers.cmake upward.
#   cmake -DMPA_AGENT_DIR=<agent/> [-DMPA_STAMP=<file>] -P cmake/CheckLayers.cmake
# Only includes of another floor's folder ("store/...") are checked: system headers, the
# generated version.hpp and third-party headers are not floors.
include(${CMAKE_CURRENT_LIST_DIR}/Layers.cmake)

if(NOT MPA_AGENT_DIR)
  message(FATAL_ERROR "CheckLayers.cmake: set MPA_AGENT_DIR to the agent/ folder")
endif()

set(violations "")
# A folder the table does not name would escape the check: every folder is a floor.
file(GLOB entries LIST_DIRECTORIES true "${MPA_AGENT_DIR}/*")
foreach(entry IN LISTS entries)
  if(IS_DIRECTORY "${entry}")
    get_filename_component(folder "${entry}" NAME)
    list(FIND MPA_LAYERS ${folder} known)
    if(known EQUAL -1)
      string(APPEND violations "  agent/${folder}/ is not a floor: add it to MPA_LAYERS\n")
    endif()
  endif()
endforeach()
foreach(layer IN LISTS MPA_LAYERS)
  set(allowed ${layer} ${MPA_LAYER_USES_${layer}})
  file(GLOB files "${MPA_AGENT_DIR}/${layer}/*.cpp" "${MPA_AGENT_DIR}/${layer}/*.hpp"
    "${MPA_AGENT_DIR}/${layer}/*.in")
  foreach(file IN LISTS files)
    file(STRINGS "${file}" lines)
    set(number 0)
    foreach(line IN LISTS lines)
      math(EXPR number "${number} + 1")
      if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/([^\"]+)\"")
        set(used ${CMAKE_MATCH_1})
        set(header "${CMAKE_MATCH_1}/${CMAKE_MATCH_2}")
        list(FIND MPA_LAYERS ${used} is_layer)
        list(FIND allowed ${used} is_allowed)
        if(is_layer GREATER -1 AND is_allowed EQUAL -1)
          file(RELATIVE_PATH shown "${MPA_AGENT_DIR}/.." "${file}")
          string(REPLACE ";" ", " may "${MPA_LAYER_USES_${layer}}")
          if(may STREQUAL "")
            set(may "itself")
          endif()
          string(APPEND violations
            "  ${shown}:${number}: includes ${header}: ${layer}/ may use only ${may}\n")
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "upward include (the floors are in cmake/Layers.cmake, "
    "docs/architecture.md):\n${violations}")
endif()
if(MPA_STAMP)
  file(TOUCH "${MPA_STAMP}")
endif()
