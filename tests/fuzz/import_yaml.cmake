# The importer's YAML emitter: any string it agrees to write as a scalar loads back
# (yaml_load) as exactly that string; any bytes written as a comment stay a comment.
gpoc_fuzz_target(fuzz_import_yaml SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_import_yaml.c LIBS gpoc_importer)
