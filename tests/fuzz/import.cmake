# gpoc import on arbitrary bytes: refused with a place, or an intent that loads and
# compiles cleanly (the importer's own check), never a crash or a leak.
gpoc_fuzz_target(fuzz_import SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_import.c LIBS gpoc_importer)
target_compile_definitions(fuzz_import PRIVATE GPOC_TEMPLATES_DIR="${PROJECT_SOURCE_DIR}/templates")
