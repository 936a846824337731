# Generates policy/policy_names.hpp from the policy definitions: one constant per policy name
# (mpa::policy_name::kTelemetryOptOut = "TelemetryOptOut"), the list of all of them, and the
# default of each policy (mpa::policy_default::kReconcileIntervalMinutes = 60) and the items of each
# enum policy (mpa::policy_item::kEnforcementModeAuditOnly = "AuditOnly").
# Code names a policy only through these, so a name that is not in the YAML does not compile.
#   cmake -DMPA_POLICY_YAML=<policies/metalama.yaml> -DMPA_OUTPUT=<.../policy_names.hpp>
#         -P cmake/PolicyNames.cmake
# Runs on the build host (also for the Windows cross build); reads only the fields it needs,
# laid out as policies/metalama.yaml documents: "  - name: X", then "    type:", "    default:",
# and an enum's items as "      - name: Y".
if(NOT MPA_POLICY_YAML OR NOT MPA_OUTPUT)
  message(FATAL_ERROR "PolicyNames.cmake: set MPA_POLICY_YAML and MPA_OUTPUT")
endif()

file(STRINGS "${MPA_POLICY_YAML}" lines)
set(names "")
set(current "")
foreach(line IN LISTS lines)
  if(line MATCHES "^  - name:[ \t]*([A-Za-z0-9_]+)[ \t]*$")
    set(current "${CMAKE_MATCH_1}")
    list(APPEND names "${current}")
  elseif(current AND line MATCHES "^    type:[ \t]*([a-z]+)[ \t]*$")
    set(type_${current} "${CMAKE_MATCH_1}")
  elseif(current AND line MATCHES "^    default:[ \t]*([^ \t#]+)[ \t]*$")
    set(default_${current} "${CMAKE_MATCH_1}")
  elseif(current AND line MATCHES "^      - name:[ \t]*([A-Za-z0-9_]+)[ \t]*$")
    list(APPEND items_${current} "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^[^ #]")
    set(current "")  # a top-level key after the policies ends the list
  endif()
endforeach()
list(LENGTH names count)
if(count EQUAL 0)
  message(FATAL_ERROR "${MPA_POLICY_YAML}: no policy found (expected lines \"  - name: X\")")
endif()

set(constants "")
set(all "")
set(defaults "")
set(items "")
foreach(name IN LISTS names)
  foreach(item IN LISTS items_${name})
    string(APPEND items "inline constexpr const char* k${name}${item} = \"${item}\";\n")
  endforeach()
  string(APPEND constants "inline constexpr const char* k${name} = \"${name}\";\n")
  string(APPEND all "    k${name},\n")
  if(type_${name} STREQUAL "integer" AND default_${name} MATCHES "^-?[0-9]+$")
    string(APPEND defaults
      "inline constexpr std::int64_t k${name} = ${default_${name}};\n")
  elseif(type_${name} STREQUAL "boolean" AND default_${name} MATCHES "^(true|false)$")
    string(APPEND defaults "inline constexpr bool k${name} = ${default_${name}};\n")
  elseif(type_${name} MATCHES "^(string|enum)$" AND DEFINED default_${name})
    string(REGEX REPLACE "^\"(.*)\"$" "\\1" text "${default_${name}}")
    if(text MATCHES "[\"\\\\]")
      message(FATAL_ERROR "${MPA_POLICY_YAML}: ${name}: a default with quotes or backslashes "
        "needs escaping here (cmake/PolicyNames.cmake)")
    endif()
    string(APPEND defaults "inline constexpr const char* k${name} = \"${text}\";\n")
  endif()
endforeach()

file(WRITE "${MPA_OUTPUT}.tmp"
  "#pragma once\n"
  "// Generated from policies/metalama.yaml by cmake/PolicyNames.cmake. Do not edit.\n"
  "#include <array>\n"
  "#include <cstdint>\n\n"
  "namespace mpa {\n"
  "namespace policy_name {\n\n"
  "${constants}\n"
  "inline constexpr std::array<const char*, ${count}> kAll{{\n${all}}};\n\n"
  "}  // namespace policy_name\n\n"
  "// The default of each policy (the definitions' `default`).\n"
  "namespace policy_default {\n\n"
  "${defaults}\n"
  "}  // namespace policy_default\n\n"
  "// The items of each enum policy, as files and plists hold them.\n"
  "namespace policy_item {\n\n"
  "${items}\n"
  "}  // namespace policy_item\n"
  "}  // namespace mpa\n")
# Rewritten only when it changes, so an edit of a caption does not rebuild everything.
configure_file("${MPA_OUTPUT}.tmp" "${MPA_OUTPUT}" COPYONLY)
file(REMOVE "${MPA_OUTPUT}.tmp")
