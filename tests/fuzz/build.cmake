# fuzz_build: arbitrary bytes as an intent through the whole pipeline, every target
# rendered and self-checked in memory (STYLE.md: cmark's fuzzer renders every format).
gpoc_fuzz_target(fuzz_build SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_build.c LIBS gpoc_api)
target_compile_definitions(fuzz_build PRIVATE GPOC_FUZZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
