# Group Policy firewall rule strings ([MS-GPFAS] 2.2.2.19): parse or refuse with an
# offset; format(parse(x)) == x; rules the writer accepts read back identically.
gpoc_fuzz_target(fuzz_gpfas SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_gpfas.c LIBS gpoc_netsh)
