/* test_input.c — the gesture recogniser on synthetic SDL events: taps
 * that wander, swipes, long presses, stray fingers, mouse and touch not
 * counted twice, thresholds scaled with the screen. */
#include "testutil.h"

#include "input.h"

#define W 1920
#define H 1080

static SDL_Event finger(Uint32 type, SDL_FingerID id, int x, int y)
{
    SDL_Event e = {0};
    e.type = type;
    e.tfinger.touchId = 7;
    e.tfinger.fingerId = id;
    e.tfinger.x = (float)x / W;
    e.tfinger.y = (float)y / H;
    return e;
}

static SDL_Event mouse(Uint32 type, int x, int y, Uint32 which)
{
    SDL_Event e = {0};
    e.type = type;
    if (type == SDL_MOUSEMOTION) {
        e.motion.x = x;
        e.motion.y = y;
        e.motion.which = which;
    } else {
        e.button.x = x;
        e.button.y = y;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.which = which;
    }
    return e;
}

/* Feeds one event; returns the gesture kind or -1 for none. */
static int feed(Input *in, SDL_Event e, uint32_t t, InputEvent *out)
{
    InputEvent tmp;
    if (!out) out = &tmp;
    return input_feed(in, &e, W, H, t, out) ? (int)out->kind : -1;
}

static void test_tap_tolerates_a_wandering_finger(void **state)
{
    (void)state;
    Input in;
    input_init(&in, 1.0f);
    InputEvent ev;
    assert_int_equal(feed(&in, finger(SDL_FINGERDOWN, 1, 500, 500), 0, &ev), INPUT_PRESS);
    assert_int_equal(feed(&in, finger(SDL_FINGERMOTION, 1, 530, 520), 100, NULL), INPUT_MOVE);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 535, 525), 300, &ev), INPUT_TAP);
    assert_int_equal(ev.x, 500);
    assert_int_equal(ev.y, 500);
}

static void test_moving_past_the_slop_is_no_tap(void **state)
{
    (void)state;
    Input in;
    input_init(&in, 1.0f);
    feed(&in, finger(SDL_FINGERDOWN, 1, 500, 500), 0, NULL);
    feed(&in, finger(SDL_FINGERMOTION, 1, 500 + INPUT_SLOP_PX + 10, 500), 100, NULL);
    /* back where it started: still not a tap, the finger left the target */
    feed(&in, finger(SDL_FINGERMOTION, 1, 500, 500), 150, NULL);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 500, 500), 200, NULL), INPUT_CANCEL);
}

static void test_swipes(void **state)
{
    (void)state;
    Input in;
    input_init(&in, 1.0f);
    InputEvent ev;
    feed(&in, finger(SDL_FINGERDOWN, 1, 1000, 500), 0, NULL);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 800, 560), 250, &ev), INPUT_SWIPE);
    assert_int_equal(ev.dx, -200);
    assert_int_equal(ev.dy, 60);
    /* diagonal: neither mostly sideways nor mostly vertical */
    feed(&in, finger(SDL_FINGERDOWN, 1, 1000, 500), 1000, NULL);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 850, 650), 1250, NULL), INPUT_CANCEL);
    /* too short */
    feed(&in, finger(SDL_FINGERDOWN, 1, 1000, 500), 2000, NULL);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 1000 - INPUT_SWIPE_PX + 10, 500), 2200, NULL), INPUT_CANCEL);
}

static void test_long_press_fires_while_held(void **state)
{
    (void)state;
    Input in;
    input_init(&in, 1.0f);
    InputEvent ev;
    feed(&in, finger(SDL_FINGERDOWN, 1, 300, 300), 1000, NULL);
    assert_int_equal(input_tick(&in, 1000 + INPUT_LONG_PRESS_MS - 1, &ev), 0);
    assert_int_equal(input_next_deadline(&in, 1000 + INPUT_LONG_PRESS_MS - 1), 1);
    assert_int_equal(input_tick(&in, 1000 + INPUT_LONG_PRESS_MS, &ev), 1);
    assert_int_equal(ev.kind, INPUT_LONG_PRESS);
    assert_int_equal(input_tick(&in, 5000, &ev), 0);
    assert_int_equal(input_next_deadline(&in, 5000), -1);
    /* the release after a long press is not also a tap */
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 300, 300), 5000, NULL), INPUT_CANCEL);
}

static void test_stray_fingers_are_ignored(void **state)
{
    (void)state;
    Input in;
    input_init(&in, 1.0f);
    InputEvent ev;
    feed(&in, finger(SDL_FINGERDOWN, 1, 200, 200), 0, NULL);
    assert_int_equal(feed(&in, finger(SDL_FINGERDOWN, 2, 900, 700), 20, NULL), -1);
    assert_int_equal(feed(&in, finger(SDL_FINGERMOTION, 2, 400, 700), 40, NULL), -1);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 2, 400, 700), 60, NULL), -1);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 205, 202), 90, &ev), INPUT_TAP);
    assert_int_equal(ev.x, 200);
    /* the mouse cannot interrupt a finger either */
    feed(&in, finger(SDL_FINGERDOWN, 1, 200, 200), 200, NULL);
    assert_int_equal(feed(&in, mouse(SDL_MOUSEBUTTONDOWN, 600, 600, 0), 210, NULL), -1);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 200, 200), 260, NULL), INPUT_TAP);
}

static void test_mouse_is_a_pointer_but_touch_mouse_is_not(void **state)
{
    (void)state;
    Input in;
    input_init(&in, 1.0f);
    InputEvent ev;
    assert_int_equal(feed(&in, mouse(SDL_MOUSEBUTTONDOWN, 640, 360, 0), 0, NULL), INPUT_PRESS);
    assert_int_equal(feed(&in, mouse(SDL_MOUSEBUTTONUP, 642, 361, 0), 90, &ev), INPUT_TAP);
    assert_int_equal(ev.x, 640);
    /* a mouse event synthesised from a touch is never counted a second time */
    assert_int_equal(feed(&in, mouse(SDL_MOUSEBUTTONDOWN, 640, 360, SDL_TOUCH_MOUSEID), 200, NULL), -1);
    assert_int_equal(feed(&in, mouse(SDL_MOUSEBUTTONUP, 640, 360, SDL_TOUCH_MOUSEID), 260, NULL), -1);
}

static void test_thresholds_scale_with_the_screen(void **state)
{
    (void)state;
    Input in;
    input_init(&in, 2.0f); /* a 4K screen */
    feed(&in, finger(SDL_FINGERDOWN, 1, 500, 500), 0, NULL);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 500 + INPUT_SLOP_PX + 20, 500), 100, NULL), INPUT_TAP);
    input_init(&in, 0.5f);
    feed(&in, finger(SDL_FINGERDOWN, 1, 500, 500), 0, NULL);
    assert_int_equal(feed(&in, finger(SDL_FINGERUP, 1, 500 + INPUT_SLOP_PX / 2 + 4, 500), 100, NULL), INPUT_CANCEL);
}

static void test_hints_keep_touch_and_mouse_apart(void **state)
{
    (void)state;
    input_set_hints();
    assert_string_equal(SDL_GetHint(SDL_HINT_TOUCH_MOUSE_EVENTS), "0");
    assert_string_equal(SDL_GetHint(SDL_HINT_MOUSE_TOUCH_EVENTS), "0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tap_tolerates_a_wandering_finger),
        cmocka_unit_test(test_moving_past_the_slop_is_no_tap),
        cmocka_unit_test(test_swipes),
        cmocka_unit_test(test_long_press_fires_while_held),
        cmocka_unit_test(test_stray_fingers_are_ignored),
        cmocka_unit_test(test_mouse_is_a_pointer_but_touch_mouse_is_not),
        cmocka_unit_test(test_thresholds_scale_with_the_screen),
        cmocka_unit_test(test_hints_keep_touch_and_mouse_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
