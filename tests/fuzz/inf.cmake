# INF / GptTmpl.inf reader: read or refused with a message; what the writer accepts
# re-reads to the same document and bytes; [Registry Values] lines that convert to
# registry values convert back identically through the GptTmpl writer.
gpoc_fuzz_target(fuzz_inf SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_inf.c LIBS gpoc_formats)
