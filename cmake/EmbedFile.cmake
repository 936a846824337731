# Embeds a file as a byte array so the installed binary needs nothing from the repository.
# Hex bytes rather than a raw string literal: MSVC caps string literals at 16 KiB.
function(mpa_embed_file input output symbol)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${input})
  file(READ ${input} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  file(WRITE ${output}.tmp
    "// Generated from ${input} by cmake/EmbedFile.cmake. Do not edit.\n"
    "#include <string_view>\n"
    "namespace mpa {\n"
    "static const char ${symbol}_bytes[] = {${bytes}};\n"
    "std::string_view ${symbol}() { return {${symbol}_bytes, sizeof ${symbol}_bytes}; }\n"
    "}  // namespace mpa\n")
  configure_file(${output}.tmp ${output} COPYONLY)
endfunction()
