# The Windows installer, metalama-policy-agent-<version>-x64.msi, built with wixl (Debian's
# msitools) from installer/windows/metalama-policy-agent.wxs by cmake/BuildMsi.cmake.
#
# - Windows cross build (windows-cross preset): part of the default build whenever wixl is
#   found; the MSI lands next to the executable.
# - Linux build: the Linux build has no Windows executable, so the `msi` target exists only when
#   MPA_MSI_AGENT_EXE names one (e.g. -DMPA_MSI_AGENT_EXE=build/windows-cross/metalama-policy-agent.exe);
#   it is then part of the default build too.
# Without wixl nothing is added (a STATUS message says so). docs/building.md has the details.

find_program(MPA_WIXL wixl)
set(MPA_MSI_AGENT_EXE "" CACHE FILEPATH
  "Windows metalama-policy-agent.exe to package into the MSI from a non-Windows build (empty: no MSI)")
set(MPA_MSI_FILE ${CMAKE_CURRENT_BINARY_DIR}/metalama-policy-agent-${PROJECT_VERSION}-x64.msi)

if(NOT MPA_WIXL)
  message(STATUS "MSI: wixl not found (Debian package wixl), no installer target")
  return()
endif()

if(WIN32)
  set(mpa_msi_exe $<TARGET_FILE:metalama-policy-agent>)
  set(mpa_msi_depends metalama-policy-agent)
elseif(MPA_MSI_AGENT_EXE)
  set(mpa_msi_exe ${MPA_MSI_AGENT_EXE})
  set(mpa_msi_depends ${MPA_MSI_AGENT_EXE})
else()
  message(STATUS "MSI: no Windows executable (set MPA_MSI_AGENT_EXE to build the installer here)")
  return()
endif()

add_custom_command(OUTPUT ${MPA_MSI_FILE}
  COMMAND ${CMAKE_COMMAND} -DAGENT_EXE=${mpa_msi_exe} -DVERSION=${PROJECT_VERSION}
          -DOUTPUT=${MPA_MSI_FILE} -DWIXL=${MPA_WIXL}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/BuildMsi.cmake
  DEPENDS ${mpa_msi_depends}
          ${CMAKE_CURRENT_SOURCE_DIR}/cmake/BuildMsi.cmake
          ${CMAKE_CURRENT_SOURCE_DIR}/installer/windows/metalama-policy-agent.wxs
          ${CMAKE_CURRENT_SOURCE_DIR}/admx/Metalama.admx
          ${CMAKE_CURRENT_SOURCE_DIR}/admx/en-US/Metalama.adml
  COMMENT "Building metalama-policy-agent-${PROJECT_VERSION}-x64.msi (wixl)"
  VERBATIM)
add_custom_target(msi ALL DEPENDS ${MPA_MSI_FILE})
