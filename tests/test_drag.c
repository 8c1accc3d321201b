/* test_drag.c — what a dragged page does (kiosk/ui/drag.c), on a finger's
 * distances and a clock: when a press becomes a drag, where the page is
 * (the finger's distance, or the rubber band at an end), and what letting
 * go means (a third of the width or a flick turns, else back).  The
 * pixels of a drag on the real renderer: tests/test_damage.c. */
#include "testutil.h"

#include "drag.h"

#define WIDTH 1920
#define SLOP 48
#define SWIPE 110

/* A press that moved sideways by dx in `steps` moves, one every 16 ms from
 * t = 0, with a page beside it (or none). */
static Drag dragged(int dx, int steps, bool neighbour)
{
    Drag d;
    drag_press(&d);
    assert_true(drag_begins(&d, dx, 0, SLOP));
    for (int i = 1; i <= steps; i++) drag_move(&d, dx * i / steps, (uint32_t)(16 * i));
    d.side = drag_side(&d);
    d.neighbour = neighbour;
    return d;
}

static void test_a_move_across_past_the_slop_becomes_a_drag(void **state)
{
    (void)state;
    Drag d;
    drag_press(&d);
    assert_false(drag_begins(&d, 30, 10, SLOP)); /* still a tap */
    assert_false(d.decided);
    assert_true(drag_begins(&d, -60, 20, SLOP));
    assert_true(d.on);
    assert_false(drag_begins(&d, -90, 20, SLOP)); /* decided once */
    /* Up or down first: never a drag in this press, however it goes on. */
    drag_press(&d);
    assert_false(drag_begins(&d, 20, 70, SLOP));
    assert_true(d.decided);
    assert_false(d.on);
    assert_false(drag_begins(&d, 400, 70, SLOP));
}

static void test_the_page_follows_the_finger_and_shows_its_side(void **state)
{
    (void)state;
    Drag d = dragged(-300, 10, true);
    assert_int_equal(drag_offset(&d, WIDTH), -300);
    assert_int_equal(drag_side(&d), 1); /* moving left shows the next page */
    drag_move(&d, 250, 200);
    assert_int_equal(drag_side(&d), -1);
    assert_int_equal(drag_offset(&d, WIDTH), 250);
}

static void test_at_an_end_the_page_moves_less_than_the_finger(void **state)
{
    (void)state;
    Drag d = dragged(400, 10, false);
    int pulled = drag_offset(&d, WIDTH);
    assert_true(pulled > 0 && pulled < 400);
    drag_move(&d, 5000, 400);
    int far = drag_offset(&d, WIDTH);
    assert_true(far > pulled && far <= WIDTH / 3);
    drag_move(&d, -5000, 600);
    assert_int_equal(drag_offset(&d, WIDTH), -far);
    assert_int_equal(drag_release(&d, -5000, 616, WIDTH, SWIPE, 1), DRAG_BACK);
}

static void test_a_third_of_the_width_turns_the_page(void **state)
{
    (void)state;
    Drag d = dragged(-WIDTH / 3, 40, true);
    /* let go 300 ms after the last move: no flick, only the distance */
    assert_int_equal(drag_release(&d, -WIDTH / 3, 16 * 40 + 300, WIDTH, SWIPE, 1), DRAG_TURN);
    assert_false(d.on);
    d = dragged(-WIDTH / 3 + 10, 40, true);
    assert_int_equal(drag_release(&d, -WIDTH / 3 + 10, 16 * 40 + 300, WIDTH, SWIPE, 1), DRAG_BACK);
}

static void test_a_flick_turns_a_short_drag(void **state)
{
    (void)state;
    /* 200 px in 4 moves (64 ms): 3125 px a second */
    Drag d = dragged(-200, 4, true);
    assert_int_equal(drag_release(&d, -200, 70, WIDTH, SWIPE, 1), DRAG_TURN);
    /* the same, slowly: 200 px over 640 ms (312 px a second) */
    d = dragged(-200, 40, true);
    assert_int_equal(drag_release(&d, -200, 16 * 40 + 6, WIDTH, SWIPE, 1), DRAG_BACK);
    /* fast but shorter than a swipe */
    d = dragged(-90, 2, true);
    assert_int_equal(drag_release(&d, -90, 36, WIDTH, SWIPE, 1), DRAG_BACK);
    /* a flick the other way at the end: back */
    d = dragged(-400, 10, true);
    drag_move(&d, -300, 176);
    drag_move(&d, -200, 192);
    assert_int_equal(drag_release(&d, -200, 200, WIDTH, SWIPE, 1), DRAG_BACK);
    /* no page that way: back, however far and fast */
    d = dragged(-1500, 4, false);
    assert_int_equal(drag_release(&d, -1500, 70, WIDTH, SWIPE, 1), DRAG_BACK);
    /* the finger crossed to the other side of where it went down: back */
    d = dragged(-400, 10, true);
    assert_int_equal(drag_release(&d, 400, 200, WIDTH, SWIPE, 1), DRAG_BACK);
}

static void test_a_stopped_drag_is_over_for_the_press(void **state)
{
    (void)state;
    Drag d = dragged(-300, 5, true);
    drag_stop(&d);
    assert_false(d.on);
    assert_false(drag_begins(&d, -600, 0, SLOP));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_move_across_past_the_slop_becomes_a_drag),
        cmocka_unit_test(test_the_page_follows_the_finger_and_shows_its_side),
        cmocka_unit_test(test_at_an_end_the_page_moves_less_than_the_finger),
        cmocka_unit_test(test_a_third_of_the_width_turns_the_page),
        cmocka_unit_test(test_a_flick_turns_a_short_drag),
        cmocka_unit_test(test_a_stopped_drag_is_over_for_the_press),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
