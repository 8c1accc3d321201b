/* test_pacing.c — the animation frames' clock (kiosk/ui/pacing.c), driven
 * the way app_run drives it: the loop asks how long to wait, the event
 * wait wakes that many whole ms later (sometimes up to a ms early, as SDL's
 * dummy driver does, sometimes late, as a loaded machine does), and a frame
 * is drawn when the pacer says one is due.  On that clock:
 *   - frames come at steady intervals of the period, 60 a second, whatever
 *     a frame costs (below the period) and however the wake-ups jitter;
 *   - an early wake-up draws no frame of its own;
 *   - after a frame that took longer than the period, the next one waits
 *     for the next slot on the grid (it does not follow right behind);
 *   - the period is the display's refresh when it is believable. */
#include <math.h>

#include "testutil.h"

#include "pacing.h"

#define PERIOD (1000.0 / 60)

typedef struct Run {
    double at[512]; /* when each frame was drawn */
    int n;
} Run;

/* Runs the loop from t0 for span ms; cost(i) is what frame i takes and
 * jitter(k) how far wake-up k lands from the asked time (ms). */
static void run(Pacer *p, double t0, double span, double (*cost)(int), double (*jitter)(int), Run *out)
{
    out->n = 0;
    double now = t0;
    for (int k = 0; now < t0 + span && out->n < 512; k++) {
        if (pacer_due(p, now)) {
            out->at[out->n] = now;
            now += cost(out->n);
            out->n++;
        }
        double woke = now + pacer_wait_ms(p, now) + jitter(k);
        now = woke > now ? woke : now;
    }
}

static double cheap(int i)
{
    (void)i;
    return 0.4;
}

static double costly(int i) { return i % 7 == 3 ? 9.5 : 3.0; }
static double one_late(int i) { return i == 10 ? 40.0 : 1.0; }
static double slow(int i)
{
    (void)i;
    return 28.0;
}

/* Up to 0.9 ms early (a wait of whole ms measured on a coarser clock),
 * up to 1.5 ms late; a fixed sequence, so the test is the same each run. */
static double jittery(int k)
{
    static const double j[] = {0.0, -0.9, 0.3, 1.5, -0.4, 0.8, -0.9, 0.1, 1.1, -0.2};
    return j[k % 10];
}

static double exact(int k)
{
    (void)k;
    return 0;
}

static void assert_steady(const Run *r, double lo, double hi)
{
    for (int i = 1; i < r->n; i++) {
        double gap = r->at[i] - r->at[i - 1];
        if (gap < lo || gap > hi) fail_msg("frame %d came %.2f ms after the one before", i, gap);
    }
}

static void test_frames_come_at_steady_intervals(void **state)
{
    (void)state;
    double (*costs[])(int) = {cheap, costly};
    double (*jitters[])(int) = {exact, jittery};
    for (int c = 0; c < 2; c++)
        for (int j = 0; j < 2; j++) {
            Pacer p;
            pacer_init(&p, PERIOD);
            Run r;
            run(&p, 1000.0, 1000.0, costs[c], jitters[j], &r);
            print_message("cost %d, jitter %d: %d frames in 1 s\n", c, j, r.n);
            assert_in_range(r.n, 59, 61);
            /* Each frame near its slot on the grid: under a ms early, or as
             * late as the wait's rounding up to a ms and the wake-up's
             * lateness; the error never adds up. */
            for (int i = 0; i < r.n; i++) {
                double slot = r.at[0] + i * PERIOD;
                assert_true(r.at[i] >= slot - 1.0 && r.at[i] <= slot + 2.6);
            }
            assert_steady(&r, PERIOD - 3.6, PERIOD + 3.6);
        }
}

static void test_an_early_wake_up_draws_nothing(void **state)
{
    (void)state;
    Pacer p;
    pacer_init(&p, PERIOD);
    assert_true(pacer_due(&p, 100.0)); /* the first frame starts the grid */
    assert_false(pacer_due(&p, 105.0));
    assert_int_equal(pacer_wait_ms(&p, 105.0), 12); /* 116.67 - 105, whole ms up */
    assert_false(pacer_due(&p, 115.0));
    assert_true(pacer_due(&p, 115.8)); /* under a ms early: the wait's rounding */
    assert_false(pacer_due(&p, 116.7)); /* that slot was taken */
}

static void test_a_late_frame_skips_the_slots_it_missed(void **state)
{
    (void)state;
    Pacer p;
    pacer_init(&p, PERIOD);
    Run r;
    run(&p, 0.0, 500.0, one_late, exact, &r);
    /* Frame 10 took 40 ms, over the next two slots: the frame after it
     * waits for the third, and every frame is on the grid. */
    double t0 = r.at[0];
    for (int i = 0; i < r.n; i++) {
        double k = (r.at[i] - t0) / PERIOD;
        assert_true(fabs(k - round(k)) * PERIOD < 1.01);
    }
    assert_true(fabs(r.at[11] - r.at[10] - 3 * PERIOD) < 1.01);
    assert_steady(&r, PERIOD - 1.0, 3 * PERIOD + 1.0);
    assert_int_equal(r.n, 28); /* 30 slots in 500 ms, two skipped */
}

static void test_frames_slower_than_the_period_keep_a_steady_cadence(void **state)
{
    (void)state;
    Pacer p;
    pacer_init(&p, PERIOD);
    Run r;
    run(&p, 0.0, 1000.0, slow, exact, &r);
    /* 28 ms a frame: every other slot, 30 a second, not back to back. */
    assert_in_range(r.n, 29, 31);
    assert_steady(&r, 2 * PERIOD - 1.0, 2 * PERIOD + 1.0);
}

static void test_a_new_animation_starts_its_own_grid(void **state)
{
    (void)state;
    Pacer p;
    pacer_init(&p, PERIOD);
    assert_true(pacer_due(&p, 10.0));
    pacer_stop(&p);
    assert_int_equal(pacer_wait_ms(&p, 500.0), 0);
    assert_true(pacer_due(&p, 500.3));
    assert_false(pacer_due(&p, 510.0));
    assert_true(pacer_due(&p, 516.97));
}

static void test_the_period_is_the_displays_refresh_when_believable(void **state)
{
    (void)state;
    assert_true(fabs(pacer_period_for(0) - PERIOD) < 1e-9); /* Xvfb, the dummy driver */
    assert_true(fabs(pacer_period_for(75) - 1000.0 / 75) < 1e-9);
    assert_true(fabs(pacer_period_for(144) - 1000.0 / 144) < 1e-9);
    assert_true(fabs(pacer_period_for(1000) - PERIOD) < 1e-9);
    assert_true(fabs(pacer_period_for(-1) - PERIOD) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_come_at_steady_intervals),
        cmocka_unit_test(test_an_early_wake_up_draws_nothing),
        cmocka_unit_test(test_a_late_frame_skips_the_slots_it_missed),
        cmocka_unit_test(test_frames_slower_than_the_period_keep_a_steady_cadence),
        cmocka_unit_test(test_a_new_animation_starts_its_own_grid),
        cmocka_unit_test(test_the_period_is_the_displays_refresh_when_believable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
