/* Runs every Check suite; the list comes from tests/suites.inc. */
#include <check.h>
#include <stdlib.h>

#include "harness.h"

#define SUITE(name) Suite *make_suite_##name(void);
#include "suites.inc"
#undef SUITE

int
main(void)
{
	SRunner *sr;
	int run, failed;

	sr = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(sr, make_suite_##name());
#include "suites.inc"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (h_result(run - failed, failed) == -1)
		return EXIT_FAILURE;
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
