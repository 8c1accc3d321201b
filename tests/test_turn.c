/* test_turn.c — kiosk/ui/turn.c with SDL's real software renderer on a
 * 400x200 (landscape) output: the chosen turn and picture size, a mark
 * drawn into the picture shows up on the output where turn_to_output says
 * (so the mapping is SDL_RenderCopyEx's own rotation, clockwise), and a
 * touch there maps back to the mark (turn_event). */
#include <SDL.h>

#include "config.h"
#include "testutil.h"
#include "turn.h"

#define OUT_W 400
#define OUT_H 200

static SDL_Window *win;
static SDL_Renderer *r;

static int setup(void **state)
{
    (void)state;
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) return -1;
    win = SDL_CreateWindow("turn", 0, 0, OUT_W, OUT_H, 0);
    r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE) : NULL;
    return r ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    SDL_Quit();
    return 0;
}

static Uint32 output_pixel(int x, int y)
{
    Uint32 px = 0;
    SDL_Rect one = {x, y, 1, 1};
    assert_int_equal(SDL_RenderReadPixels(r, &one, SDL_PIXELFORMAT_ARGB8888, &px, 4), 0);
    return px & 0xffffff;
}

/* A red 10x10 mark at picture point (mx, my), then the picture turned onto
 * the output; the mark must be where turn_to_output puts its middle. */
static void check_mark(const Turn *t, int mx, int my)
{
    turn_begin(t, r);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    SDL_SetRenderDrawColor(r, 255, 0, 0, 255);
    SDL_RenderFillRect(r, &(SDL_Rect){mx, my, 10, 10});
    turn_end(t, r);
    float u, v;
    turn_to_output(t, (mx + 5.0f) / t->w, (my + 5.0f) / t->h, &u, &v);
    int ox = (int)(u * OUT_W), oy = (int)(v * OUT_H);
    assert_int_equal(output_pixel(ox, oy), 0xff0000);
    /* ... and nowhere near the opposite corner. */
    assert_int_equal(output_pixel(OUT_W - 1 - ox, OUT_H - 1 - oy), 0x000000);

    /* A finger there on the panel touches the mark. */
    SDL_Event e = {0};
    e.type = SDL_FINGERDOWN;
    e.tfinger.x = (ox + 0.5f) / OUT_W;
    e.tfinger.y = (oy + 0.5f) / OUT_H;
    turn_event(t, &e);
    int px = (int)(e.tfinger.x * t->w), py = (int)(e.tfinger.y * t->h);
    assert_true(px >= mx - 1 && px <= mx + 11);
    assert_true(py >= my - 1 && py <= my + 11);
    SDL_RenderPresent(r);
}

static void test_auto_turns_a_portrait_picture_on_a_landscape_output(void **state)
{
    (void)state;
    Turn t = {0};
    Err err;
    assert_int_equal(turn_setup(&t, r, CONFIG_TURN_AUTO, true, &err), 0);
    assert_int_equal(t.degrees, 90);
    assert_int_equal(t.w, OUT_H);
    assert_int_equal(t.h, OUT_W);
    assert_non_null(turn_target(&t));
    /* Clockwise: the picture's top-left corner is at the output's top right. */
    float u, v;
    turn_to_output(&t, 0, 0, &u, &v);
    assert_true(u > 0.99f && v < 0.01f);
    check_mark(&t, 20, 50);
    check_mark(&t, 150, 300);
    turn_release(&t);
}

static void test_auto_leaves_a_landscape_picture_alone(void **state)
{
    (void)state;
    Turn t = {0};
    Err err;
    assert_int_equal(turn_setup(&t, r, CONFIG_TURN_AUTO, false, &err), 0);
    assert_int_equal(t.degrees, 0);
    assert_int_equal(t.w, OUT_W);
    assert_null(turn_target(&t));
    SDL_Event e = {0};
    e.type = SDL_FINGERDOWN;
    e.tfinger.x = 0.25f;
    e.tfinger.y = 0.75f;
    turn_event(&t, &e);
    assert_true(e.tfinger.x == 0.25f && e.tfinger.y == 0.75f);
    turn_release(&t);
}

static void test_each_set_turn(void **state)
{
    (void)state;
    static const int degrees[] = {90, 180, 270};
    for (int i = 0; i < 3; i++) {
        Turn t = {0};
        Err err;
        assert_int_equal(turn_setup(&t, r, degrees[i], false, &err), 0);
        assert_int_equal(t.degrees, degrees[i]);
        assert_int_equal(t.w, degrees[i] == 180 ? OUT_W : OUT_H);
        check_mark(&t, 30, 40);
        check_mark(&t, t.w - 40, t.h - 30);
        /* A mouse click maps like a finger. */
        SDL_Event e = {0};
        e.type = SDL_MOUSEBUTTONDOWN;
        float u, v;
        turn_to_output(&t, 35.0f / t.w, 45.0f / t.h, &u, &v);
        e.button.x = (int)(u * OUT_W);
        e.button.y = (int)(v * OUT_H);
        turn_event(&t, &e);
        assert_true(abs(e.button.x - 35) <= 1 && abs(e.button.y - 45) <= 1);
        turn_release(&t);
    }
}

int main(void)
{
    alarm(60);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_turns_a_portrait_picture_on_a_landscape_output),
        cmocka_unit_test(test_auto_leaves_a_landscape_picture_alone),
        cmocka_unit_test(test_each_set_turn),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
