# The floors of agent/ and what each may use. One table, read by two consumers:
#   - CMakeLists.txt builds one static library per floor (mpa_<floor>) that links only the floors
#     listed for it, so a call into a floor above does not link;
#   - cmake/CheckLayers.cmake runs before anything compiles and fails the build on an #include of
#     a floor that is not listed (an upward include), naming the file, the line and this table.
# Bottom to top. A floor may use itself and the floors named after it, nothing else.
set(MPA_LAYERS util platform policy model sources targets store templates engine app)
set(MPA_LAYER_USES_util "")
set(MPA_LAYER_USES_platform util)
set(MPA_LAYER_USES_policy util)
set(MPA_LAYER_USES_model policy util)
set(MPA_LAYER_USES_sources model policy platform util)
set(MPA_LAYER_USES_targets model policy platform util)
set(MPA_LAYER_USES_store model policy platform util)
set(MPA_LAYER_USES_templates policy util)
set(MPA_LAYER_USES_engine store model policy platform util)
set(MPA_LAYER_USES_app engine templates sources targets store model policy platform util)
