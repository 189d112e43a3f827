# XML readers of gpoc decode (admx_check_pair, gpo_backup_check, xsd_validate) on
# arbitrary bytes, and the ADMX writer on arbitrary strings: readers must refuse with
# a message or accept, the writer must refuse bad text itself, never fail its own
# validation ("internal error").
gpoc_fuzz_target(fuzz_xml_check SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_xml_check.c LIBS gpoc_xml)
target_compile_definitions(fuzz_xml_check PRIVATE GPOC_FUZZ_SCHEMA_DIR="${PROJECT_SOURCE_DIR}/schemas")
