/* survey/arena.h - memory handed out by bumping a pointer and freed all at once.
 *
 * Data that is loaded together and freed together (a questionnaire's model, a
 * parsed YAML tree) lives in an arena: many small blocks, no per-block free,
 * one enk_arena_release() at the end. Allocation never fails visibly to the
 * caller that cannot handle it: when memory runs out the arena remembers it
 * (failed) and returns NULL, so a loader checks once at the end.
 *
 * Ownership: the arena owns every block it handed out; each is valid until
 * enk_arena_release(). A zeroed enk_arena ({0}) is an empty arena, ready for
 * use. Not for several threads at once.
 */
#ifndef ENK_ARENA_H
#define ENK_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct enk_arena {
        struct enk_arena_chunk *head; /* the chunk blocks are cut from, then older ones */
        bool failed;                  /* an allocation failed at some point */
} enk_arena;

/* A new zeroed block of n bytes, aligned for any type (n == 0 gives a
 * distinct minimal block). NULL, and failed set, when memory runs out. */
void *enk_arena_alloc(enk_arena *a, size_t n);

/* A zeroed array of count elements of size bytes; NULL (failed set) also
 * when count * size is absurdly large. */
void *enk_arena_array(enk_arena *a, size_t count, size_t size);

/* A NUL-terminated copy of the len bytes at s (which need not be terminated). */
char *enk_arena_strndup(enk_arena *a, const char *s, size_t len);

/* Frees every block and leaves a empty (failed is kept). */
void enk_arena_release(enk_arena *a);

#endif
