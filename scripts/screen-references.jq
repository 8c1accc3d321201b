# What a screen shows, as the references keep it (scripts/screen-references.sh):
# the dump (docs/HEADLESS.md "The dump") with its keys sorted, and the parts
# that legitimately vary from run to run replaced by a placeholder:
#   - the header's date and time (the wall clock, even with `clock`, moves
#     with the script's waits);
#   - the sync mark (未同步, 已同步 ...), which is the sync thread's state.
def clock_text: test("^[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日") or test("^[0-9]{1,2}:[0-9]{2}$");
.widgets |= map(
    if (.text // "" | clock_text) then .text = "<date and time>"
    elif (.text // "" | test("^(未同步|已同步|同步中|离线|同步失败)")) then .text = "<sync mark>"
    else . end)
