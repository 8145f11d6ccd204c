# cke_add_plugin(TARGET SOURCES...): a cke plugin shared object that exports only
# cke_plugin_entry_v1 (a linker version script, since -fvisibility=hidden alone still leaks
# template instantiations) and has no unresolved symbols at link time.
if(NOT DEFINED CKE_SDK_PLUGIN_MAP)
  set(CKE_SDK_PLUGIN_MAP ${CMAKE_CURRENT_LIST_DIR}/cke-plugin.map)
endif()

function(cke_add_plugin target)
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE CkeSdk::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS ${CKE_SDK_PLUGIN_MAP})
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${CKE_SDK_PLUGIN_MAP}" "LINKER:--no-undefined")
endfunction()
