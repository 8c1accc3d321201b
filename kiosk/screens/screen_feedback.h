/* screen_feedback.h — the feedback screens of the kiosk.
 *
 *   feedback (SCREEN_FEEDBACK)  one-tap satisfaction rating; an opinion with
 *                               reason chips, comment, name and phone; a
 *                               request for disclosure (依申请公开 / 群众点题);
 *                               text typed on the on-screen keyboard
 *   answers  (SCREEN_ANSWERS)   回复公开: the county's public answers, as
 *                               question and answer, paged, no contact details
 *   answer   (SCREEN_ANSWER)    one of them alone, in larger type, paged when
 *                               long; its argument is the answer's place in
 *                               the list ("0" = the newest); 返回 goes back
 *   lookup   (SCREEN_LOOKUP)    查询办理结果: a receipt number (回执号) typed on
 *                               the keypad, looked up by the sync thread
 *                               (sync/lookup.h); the status, dates and answer
 *
 * The feedback screen's argument is what the app passes for the 意见建议
 * button: "SCREEN:ARG" of the screen it was opened from ("reader:ITEM_ID",
 * "category:CATEGORY_ID", "image:ITEM_ID#N"); anything else means the
 * organisation in general. */
#ifndef KIOSK_SCREEN_FEEDBACK_H
#define KIOSK_SCREEN_FEEDBACK_H

#include "app.h"

extern const ScreenOps screen_feedback;
extern const ScreenOps screen_answers;
extern const ScreenOps screen_answer;
extern const ScreenOps screen_lookup;

#define SCREEN_ANSWER "answer"
#define SCREEN_LOOKUP "lookup"

/* Registers the screens and opens the keyboard's engines now, so that
 * pinyin has finished deploying (in the background) before a visitor
 * first needs it.  Missing engine data, even no keyboard at all, is only
 * logged: ratings work without typing.  Fails only when the screens
 * cannot be registered. */
int feedback_screens_register(App *app, Err *err);
/* The one on-screen keyboard these screens share (librime allows one
 * engine); NULL when it could not be opened. */
struct Keyboard *feedback_keyboard(void);
/* For the headless runner: waits up to timeout_ms for the submissions
 * being saved (feedback_writer_settle), all of them, or (all false) only
 * those handed over since the last call, so that a submission held up by
 * a locked database costs one wait, not one per script line.  0 when there
 * were none, 1 when they are done, -1 when one still waits. */
int feedback_screens_settle(bool all, int timeout_ms);
/* Commits the submissions still queued (bounded: FEEDBACK_WRITER_STOP_MS),
 * then closes the writer and the keyboard's engines (at exit). */
void feedback_screens_shutdown(void);

#endif
