// The gpoc executable: everything it does lives in the cli module (cli.c, cmd_*.c).
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
