/* survey/arena.c - memory handed out by bumping a pointer and freed all at once.
 *
 * A list of zeroed chunks: a block is cut from the head chunk while it has
 * room, else from a new chunk. A block larger than a quarter chunk gets a
 * chunk of its own, put behind the head so that the head's room is not wasted.
 */
#include "survey/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE ((size_t) 16384)

struct enk_arena_chunk {
        struct enk_arena_chunk *next;
        size_t size, used;
        max_align_t data[];
};

void *enk_arena_alloc(enk_arena *a, size_t n)
{
        const size_t align = _Alignof(max_align_t);
        if (n > SIZE_MAX / 2) {
                a->failed = true;
                return NULL;
        }
        n = n ? (n + align - 1) / align * align : align;
        struct enk_arena_chunk *c = a->head;
        if (!c || c->size - c->used < n) {
                size_t size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
                c = calloc(1, sizeof(*c) + size);
                if (!c) {
                        a->failed = true;
                        return NULL;
                }
                c->size = size;
                /* A large block gets a chunk of its own behind the current
                 * one, so the current chunk's free space is not wasted. */
                if (size > CHUNK_SIZE && a->head) {
                        c->next = a->head->next;
                        a->head->next = c;
                } else {
                        c->next = a->head;
                        a->head = c;
                }
        }
        void *p = (char *) c->data + c->used;
        c->used += n;
        return p;
}

void *enk_arena_array(enk_arena *a, size_t count, size_t size)
{
        if (size && count > SIZE_MAX / 4 / size) {
                a->failed = true;
                return NULL;
        }
        return enk_arena_alloc(a, count * size);
}

char *enk_arena_strndup(enk_arena *a, const char *s, size_t len)
{
        char *p = enk_arena_alloc(a, len + 1);
        if (p) {
                memcpy(p, s, len);
                p[len] = '\0';
        }
        return p;
}

void enk_arena_release(enk_arena *a)
{
        struct enk_arena_chunk *c = a->head;
        while (c) {
                struct enk_arena_chunk *next = c->next;
                free(c);
                c = next;
        }
        a->head = NULL;
}
