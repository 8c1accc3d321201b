/* common/: the path helpers fail on truncation rather than name another
 * file; an Err keeps its kind through err_prefix; err_mark gives one. */
#include "testutil.h"

#include "blobfile.h"
#include "path.h"

static void a_path_that_does_not_fit_fails(void **state)
{
    (void)state;
    char out[16];
    Err err;
    assert_int_equal(path_join(out, sizeof out, "/var/cache", "ab", &err), 0);
    assert_string_equal(out, "/var/cache/ab");
    assert_int_equal(path_join(out, sizeof out, "/var/cache", "abcdef", &err), -1);
    assert_string_equal(out, "");
    assert_non_null(strstr(err.msg, "longer than the 15 allowed"));
    assert_int_equal(path_format(out, sizeof out, &err, "%s-%d", "x", 42), 0);
    assert_string_equal(out, "x-42");
    char big[PATH_MAX];
    assert_int_equal(blobs_path("/var/cache", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", big,
                                sizeof big, &err),
                     0);
    assert_string_equal(big, "/var/cache/9f/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    assert_int_equal(blobs_path("/var/cache", "9f86d0", out, sizeof out, &err), -1);
}

static void errors_carry_their_kind(void **state)
{
    (void)state;
    Err err;
    assert_int_equal(err_set(&err, "disk full"), -1);
    assert_int_equal(err.kind, ERR_FAULT);
    assert_int_equal(err_refuse(&err, ERR_NOT_FOUND, "there is no item %s", "x"), -1);
    assert_int_equal(err.kind, ERR_NOT_FOUND);
    err_prefix(&err, "items: ");
    assert_string_equal(err.msg, "items: there is no item x");
    assert_int_equal(err.kind, ERR_NOT_FOUND);
    err_set(&err, "title: is missing");
    assert_int_equal(err_mark(&err, ERR_BAD_REQUEST), -1);
    assert_int_equal(err.kind, ERR_BAD_REQUEST);
    assert_string_equal(err.msg, "title: is missing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_path_that_does_not_fit_fails),
        cmocka_unit_test(errors_carry_their_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
