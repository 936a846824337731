# Builds the Windows installer with wixl (msitools). Run as a script, so the CMake build and
# scripts/test-msi.sh use one recipe:
#
#   cmake -DAGENT_EXE=path/metalama-policy-agent.exe -DVERSION=0.1.0 -DOUTPUT=path/x.msi \
#         [-DWIXL=/usr/bin/wixl] -P cmake/BuildMsi.cmake
#
# The source is installer/windows/metalama-policy-agent.wxs; the templates come from admx/.
# wixl 0.101 takes file sources relative to the current directory only (it refuses absolute
# paths), so the inputs are staged into <OUTPUT>.stage/ and wixl runs there.

foreach(var AGENT_EXE VERSION OUTPUT)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "BuildMsi.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${AGENT_EXE}")
  message(FATAL_ERROR "BuildMsi.cmake: the Windows agent '${AGENT_EXE}' does not exist")
endif()
# MSI product versions are major.minor.build, major and minor < 256, build < 65536; Windows
# Installer ignores a fourth field when it compares versions, so none is accepted here.
if(NOT VERSION MATCHES "^([0-9]+)\\.([0-9]+)\\.([0-9]+)$"
   OR CMAKE_MATCH_1 GREATER 255 OR CMAKE_MATCH_2 GREATER 255 OR CMAKE_MATCH_3 GREATER 65535)
  message(FATAL_ERROR "BuildMsi.cmake: '${VERSION}' is not an MSI product version (a.b.c, a,b < 256, c < 65536)")
endif()
if(NOT WIXL)
  find_program(WIXL wixl REQUIRED)
endif()

get_filename_component(source_dir "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(wxs "${source_dir}/installer/windows/metalama-policy-agent.wxs")

# The product code: a name-based (SHA-1) UUID of the version in the UpgradeCode's namespace. The
# same version always gets the same code (detection rules in Intune and Configuration Manager
# name it), another version another code (a major upgrade, as the Upgrade table expects).
file(STRINGS "${wxs}" upgrade_line REGEX "UpgradeCode=\"\\{[0-9A-F-]+\\}\"")
if(NOT upgrade_line MATCHES "UpgradeCode=\"\\{([0-9A-F-]+)\\}\"")
  message(FATAL_ERROR "BuildMsi.cmake: no UpgradeCode in ${wxs}")
endif()
string(UUID product_code NAMESPACE "${CMAKE_MATCH_1}" NAME "metalama-policy-agent x64 ${VERSION}"
  TYPE SHA1 UPPER)

set(stage "${OUTPUT}.stage")
file(REMOVE_RECURSE "${stage}")
file(MAKE_DIRECTORY "${stage}")
# Staged under its installed name, whatever it is called at the source.
get_filename_component(agent_name "${AGENT_EXE}" NAME)
file(COPY "${AGENT_EXE}" DESTINATION "${stage}")
if(NOT agent_name STREQUAL "metalama-policy-agent.exe")
  file(RENAME "${stage}/${agent_name}" "${stage}/metalama-policy-agent.exe")
endif()
file(COPY "${source_dir}/admx/" DESTINATION "${stage}/PolicyDefinitions")

# Authenticode: with a certificate in the environment (scripts/sign-windows.sh says which
# variables), the packaged executable and then the MSI are signed; without one they are not.
set(sign_script "${source_dir}/scripts/sign-windows.sh")
if(DEFINED ENV{MPA_SIGN_PKCS12} OR DEFINED ENV{MPA_SIGN_CERT})
  set(sign ON)
  execute_process(COMMAND "${sign_script}" "${stage}/metalama-policy-agent.exe" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "BuildMsi.cmake: signing the executable failed (${rc})")
  endif()
else()
  set(sign OFF)
endif()

execute_process(
  COMMAND "${WIXL}" -a x64 -D "Version=${VERSION}" -D "ProductCode={${product_code}}"
          -o "${OUTPUT}.tmp" "${wxs}"
  WORKING_DIRECTORY "${stage}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "BuildMsi.cmake: wixl failed (${rc})")
endif()
if(sign)
  execute_process(COMMAND "${sign_script}" "${OUTPUT}.tmp" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(REMOVE "${OUTPUT}.tmp")
    message(FATAL_ERROR "BuildMsi.cmake: signing the MSI failed (${rc})")
  endif()
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
file(REMOVE_RECURSE "${stage}")
message(STATUS "Built ${OUTPUT} (ProductCode {${product_code}}, version ${VERSION}, signed: ${sign})")
