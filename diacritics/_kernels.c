/* Compiled inner loops of the restorer, called through ctypes (plain C ABI, no NumPy C API).
 *
 * Each function does what its NumPy twin in diacritics/kernels.py does, with the same floating
 * point operations in the same order (built with -ffp-contract=off: no fused multiply-add), so
 * the results are the same floats; kernels.py falls back to the NumPy twin when this library
 * was not built (an install without a C compiler).
 */
#include <Python.h>
#include <stdint.h>

#define MAX_PRINTED 64

/* The version of these functions' arguments (kernels.ABI): raised with any change to them, so
 * that a library built from an older source is not called with arguments it does not take. */
int64_t kernels_abi(void) { return 2; }

/* Weighted edit distance of printed tokens of one length m to candidates, pair by pair.
 * Pair p: candidate letters chars[r * width ...] (alphabet indices, lengths[r] of them; r =
 * rows[p], or p where rows is NULL: a vocabulary's table read in place) against printed token
 * owner[p]. single[k, j, x], pair[k, j, x]: cost of intended letter x printed as
 * token k's character j, or as its characters j, j + 1; vanish[x]: x printed as nothing;
 * inserts[k, j]: character j printed with nothing intended. */
void batch_distance(const int16_t *chars, int64_t width, const int64_t *lengths,
                    const int64_t *rows, const int64_t *owner, int64_t n_pairs,
                    const double *single, const double *pair, int64_t m, int64_t alphabet,
                    const double *vanish, const double *inserts, double *out) {
    double row[MAX_PRINTED + 1], other[MAX_PRINTED + 1];
    for (int64_t p = 0; p < n_pairs; p++) {
        const int64_t k = owner[p];
        const double *ins = inserts + k * m;
        const double *sk = single + k * m * alphabet;
        const double *pk = pair + k * (m - 1) * alphabet;
        const int64_t r = rows ? rows[p] : p;
        const int16_t *word = chars + r * width;
        row[0] = 0.0;
        for (int64_t j = 0; j < m; j++) row[j + 1] = row[j] + ins[j];
        const int64_t length = lengths[r] > 0 ? lengths[r] : 0;
        for (int64_t i = 0; i < length; i++) {
            const int64_t x = word[i];
            const double gone = vanish[x];
            for (int64_t j = 0; j <= m; j++) other[j] = row[j] + gone;
            for (int64_t j = 1; j <= m; j++) {
                const double c = row[j - 1] + sk[(j - 1) * alphabet + x];
                if (c < other[j]) other[j] = c;
            }
            for (int64_t j = 2; j <= m; j++) {
                const double c = row[j - 2] + pk[(j - 2) * alphabet + x];
                if (c < other[j]) other[j] = c;
            }
            for (int64_t j = 1; j <= m; j++) {
                const double c = other[j - 1] + ins[j - 1];
                if (c < other[j]) other[j] = c;
            }
            for (int64_t j = 0; j <= m; j++) row[j] = other[j];
        }
        out[p] = row[m];
    }
}

/* log10 P(w2 | w1) as the language model's bigram_logp gives it: the stored bigram (found
 * through the presence bitmap and its ranks) or the backoff, in float32. */
static inline float bigram_logp(uint64_t w1, uint64_t w2, uint64_t vocab, const uint64_t *bitmap,
                                const int64_t *rank, const float *bi_logp, const float *uni_bow,
                                const float *uni_logp) {
    const uint64_t flat = w1 * vocab + w2;
    const uint64_t word = flat >> 6;
    const uint64_t upto = bitmap[word] << (63 - (flat & 63));
    if (upto >> 63) return bi_logp[rank[word] + __builtin_popcountll(upto) - 1];
    return uni_bow[w1] + uni_logp[w2];
}

/* The pruning's neighbour maxima for blocks of neighbouring positions (a at p, b at p + 1):
 * right[a] = max over b of log10 P(b | a) - cost[b], left[b] = max over a of log10 P(b | a) -
 * cost[a]; ids, costs, right and left are indexed by flat candidate number, a position's
 * candidates at offsets[p] ... offsets[p] + sizes[p] - 1. */
void pair_maxima(const uint64_t *ids, const double *costs, const int64_t *sizes,
                 const int64_t *offsets, const int64_t *blocks, int64_t n_blocks, uint64_t vocab,
                 const uint64_t *bitmap, const int64_t *rank, const float *bi_logp,
                 const float *uni_bow, const float *uni_logp, double *right, double *left) {
    for (int64_t n = 0; n < n_blocks; n++) {
        const int64_t p = blocks[n];
        const int64_t a0 = offsets[p], na = sizes[p], b0 = offsets[p + 1], nb = sizes[p + 1];
        for (int64_t b = 0; b < nb; b++) left[b0 + b] = -HUGE_VAL;
        for (int64_t a = 0; a < na; a++) {
            const uint64_t w1 = ids[a0 + a];
            const double cost_a = costs[a0 + a];
            double best = -HUGE_VAL;
            for (int64_t b = 0; b < nb; b++) {
                const double lp = (double)bigram_logp(w1, ids[b0 + b], vocab, bitmap, rank,
                                                      bi_logp, uni_bow, uni_logp);
                const double r = lp - costs[b0 + b];
                if (r > best) best = r;
                const double l = lp - cost_a;
                if (l > left[b0 + b]) left[b0 + b] = l;
            }
            right[a0 + a] = best;
        }
    }
}

/* Viterbi over scored windows, line by line: window n (positions n, n + 1, n + 2 of the batch,
 * sizes a, b, c) holds flat[offsets[n] ...] in C order (a, b, c). Per line (positions
 * starts[l] .. ends[l] - 1), delta[j, k] is the best score of a path ending with candidates j,
 * k at the window's last two positions: max over i of delta_before[i, j] + s[i, j, k], float32
 * sums as NumPy adds them; the path is traced back from the best last pair (the first in C
 * order), each step's i the first best. ``work``: room for every window's delta (a float per
 * flat score suffices). */
void best_paths(const float *flat, const int64_t *offsets, const int64_t *sizes,
                const int64_t *starts, const int64_t *ends, int64_t n_lines, float *work,
                int64_t *work_at, int64_t *path) {
    static const float zero = 0.0f;
    for (int64_t l = 0; l < n_lines; l++) {
        const int64_t start = starts[l], end = ends[l];
        int64_t at = 0;
        const float *before = &zero; /* the delta before the line's first window: (1, 1) */
        for (int64_t n = start; n + 2 < end; n++) {
            const int64_t a = sizes[n], b = sizes[n + 1], c = sizes[n + 2];
            const float *s = flat + offsets[n];
            float *delta = work + at;
            work_at[n] = at;
            for (int64_t j = 0; j < b; j++) {
                for (int64_t k = 0; k < c; k++) {
                    float best = before[j] + s[j * c + k];
                    for (int64_t i = 1; i < a; i++) {
                        const float v = before[i * b + j] + s[(i * b + j) * c + k];
                        if (v > best) best = v;
                    }
                    delta[j * c + k] = best;
                }
            }
            before = delta;
            at += b * c;
        }
        /* the best last pair, the first in C order */
        const int64_t b = sizes[end - 2], c = sizes[end - 1];
        int64_t best_at = 0;
        for (int64_t x = 1; x < b * c; x++)
            if (before[x] > before[best_at]) best_at = x;
        path[end - 2] = best_at / c;
        path[end - 1] = best_at % c;
        for (int64_t t = end - 1; t >= start + 2; t--) {
            const int64_t n = t - 2;
            const int64_t a = sizes[n], bb = sizes[n + 1], cc = sizes[n + 2];
            const int64_t j = path[t - 1], k = path[t];
            const float *s = flat + offsets[n];
            const float *prev = n == start ? &zero : work + work_at[n - 1];
            int64_t arg = 0;
            float top = prev[j] + s[j * cc + k];
            for (int64_t i = 1; i < a; i++) {
                const float v = prev[i * bb + j] + s[(i * bb + j) * cc + k];
                if (v > top) {
                    top = v;
                    arg = i;
                }
            }
            path[n] = arg;
        }
    }
}

/* A stored bigram as line_scores reads it, in one 16-byte record (one cache line instead of
 * five arrays' lines): log10 p, the context's backoff weight, and the run of the sorted
 * trigrams that continue it (n = 0: none does). */
typedef struct {
    float logp;
    float bow;
    uint32_t tri_lo;
    uint32_t tri_n;
} bigram_t;

/* The language model's arrays that line_scores reads (TrigramLM's tables). */
typedef struct {
    uint64_t vocab;
    const uint64_t *bitmap;
    const int64_t *rank;
    const float *bi_logp;
    const float *bi_bow;
    const uint8_t *bi_continued;
    const float *uni_bow;
    const float *uni_logp;
    const int64_t *tri_lo;
    const int64_t *tri_hi;
    const uint16_t *tri_w3;
    const float *tri_logp;
    const uint64_t *tri_keys;
    int64_t n_tri;
    const uint64_t *orphans;
    int64_t n_orphans;
    const bigram_t *bigrams;
    const int64_t *bi_row;  /* per word w1 + 1: where its bigrams start in the sorted table */
    const uint16_t *bi_w2;  /* per stored bigram: its second word */
} model_t;

/* TrigramLM.pair for one (w1, w2): log10 P(w2 | w1), the context's backoff weight, whether a
 * stored trigram continues it, and the bigram's position (-1 when not stored). */
static inline void pair_of(const model_t *lm, uint64_t w1, uint64_t w2, float *p, float *bow,
                           uint8_t *continued, int64_t *at) {
    const uint64_t flat = w1 * lm->vocab + w2;
    const uint64_t word = flat >> 6;
    const uint64_t upto = lm->bitmap[word] << (63 - (flat & 63));
    if (upto >> 63) {
        const int64_t pos = lm->rank[word] + __builtin_popcountll(upto) - 1;
        const bigram_t found = lm->bigrams[pos];
        *p = found.logp;
        *bow = found.bow;
        *continued = found.tri_n != 0;
        *at = pos;
        return;
    }
    *p = lm->uni_bow[w1] + lm->uni_logp[w2];
    *bow = 0.0f;
    *at = -1;
    *continued = 0;
    const uint64_t key = (w1 << 16) | w2;
    for (int64_t o = 0; o < lm->n_orphans; o++)
        if (lm->orphans[o] == key) *continued = 1;
}

/* log10 P(w3 | w1 w2) where stored, else ``backoff``: among the bigram's continuations (a run
 * of the sorted trigrams) when the context is a stored bigram, else in the whole table. */
static inline float trigram_or(const model_t *lm, int64_t at, uint64_t w1, uint64_t w2,
                               uint64_t w3, float backoff) {
    if (at >= 0) {
        int64_t lo = lm->bigrams[at].tri_lo, hi = lo + lm->bigrams[at].tri_n;
        const int64_t end = hi;
        const uint16_t word = (uint16_t)w3;
        while (lo < hi) {
            const int64_t mid = (lo + hi) >> 1;
            if (lm->tri_w3[mid] < word) lo = mid + 1;
            else hi = mid;
        }
        if (lo < end && lm->tri_w3[lo] == word) return lm->tri_logp[lo];
        return backoff;
    }
    const uint64_t key = (((w1 << 16) | w2) << 16) | w3;
    int64_t lo = 0, hi = lm->n_tri;
    while (lo < hi) {
        const int64_t mid = (lo + hi) >> 1;
        if (lm->tri_keys[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    if (lo < lm->n_tri && lm->tri_keys[lo] == key) return lm->tri_logp[lo];
    return backoff;
}

/* decoder.line_scores: for every window (positions w, w + 1, w + 2; candidates a, b, c in C
 * order) log10 P(c | a b) less c's channel cost, the float32 operations NumPy does: bow(a, b)
 * + (P(c | b) - cost(c)), and where a stored trigram continues (a, b), the trigram (or that
 * backoff) taken as (found or (score + cost)) - cost. ``pair_*``: room for one entry per pair
 * of neighbouring candidates. */
void line_scores(const model_t *lm, const uint64_t *ids, const float *costs,
                 const int64_t *sizes, const int64_t *offsets, int64_t n, float *pair_p,
                 float *pair_bow, uint8_t *pair_continued, int64_t *pair_at,
                 int64_t *pair_start, float *out) {
    int64_t at = 0;
    for (int64_t w = 0; w + 1 < n; w++) {
        pair_start[w] = at;
        const int64_t a0 = offsets[w], b0 = offsets[w + 1];
        for (int64_t a = 0; a < sizes[w]; a++)
            for (int64_t b = 0; b < sizes[w + 1]; b++, at++)
                pair_of(lm, ids[a0 + a], ids[b0 + b], &pair_p[at], &pair_bow[at],
                        &pair_continued[at], &pair_at[at]);
    }
    int64_t o = 0;
    for (int64_t w = 0; w + 2 < n; w++) {
        const int64_t na = sizes[w], nb = sizes[w + 1], nc = sizes[w + 2];
        const int64_t a0 = offsets[w], b0 = offsets[w + 1], c0 = offsets[w + 2];
        const int64_t first = pair_start[w], second = pair_start[w + 1];
        for (int64_t a = 0; a < na; a++) {
            for (int64_t b = 0; b < nb; b++) {
                const int64_t ab = first + a * nb + b;
                const float bow = pair_bow[ab];
                for (int64_t c = 0; c < nc; c++, o++) {
                    const float cost = costs[c0 + c];
                    const float q = pair_p[second + b * nc + c] - cost;
                    float score = bow + q;
                    if (pair_continued[ab]) {
                        const float back = score + cost;
                        const float found = trigram_or(lm, pair_at[ab], ids[a0 + a], ids[b0 + b],
                                                       ids[c0 + c], back);
                        score = found - cost;
                    }
                    out[o] = score;
                }
            }
        }
    }
}

/* The maxima of pair_maxima for one block (a at p, b at p + 1) through the model's tables.
 * log10 P(b | a) is the backoff unless (a, b) is stored; a word with few stored bigrams (under
 * two per b: half the rows of OCR garble's blocks) has them found by one scan of its run of the
 * sorted table against the block's b (``slot_of``: per word id, its b + 1 in this block, 0
 * elsewhere, left as found), the others by the bitmap lookup per pair: the same floats, half
 * the random reads. */
static void block_maxima(const model_t *lm, const uint64_t *ids, const float *costs,
                         int64_t a0, int64_t na, int64_t b0, int64_t nb, double *right,
                         double *left, int32_t *slot_of, float *lp) {
    int unique = 1;
    for (int64_t b = 0; b < nb; b++) {
        left[b0 + b] = -HUGE_VAL;
        if (slot_of[ids[b0 + b]]) unique = 0; /* a word twice: every pair looked up */
        slot_of[ids[b0 + b]] = (int32_t)(b + 1);
    }
    for (int64_t a = 0; a < na; a++) {
        const uint64_t w1 = ids[a0 + a];
        const double cost_a = (double)costs[a0 + a];
        const int64_t row = lm->bi_row[w1], row_end = lm->bi_row[w1 + 1];
        if (unique && row_end - row <= 2 * nb) {
            for (int64_t b = 0; b < nb; b++) lp[b] = lm->uni_bow[w1] + lm->uni_logp[ids[b0 + b]];
            for (int64_t at = row; at < row_end; at++) {
                const int32_t b = slot_of[lm->bi_w2[at]];
                if (b) lp[b - 1] = lm->bi_logp[at];
            }
        } else {
            for (int64_t b = 0; b < nb; b++)
                lp[b] = bigram_logp(w1, ids[b0 + b], lm->vocab, lm->bitmap, lm->rank, lm->bi_logp,
                                    lm->uni_bow, lm->uni_logp);
        }
        double best = -HUGE_VAL;
        for (int64_t b = 0; b < nb; b++) {
            const double value = (double)lp[b];
            const double r = value - (double)costs[b0 + b];
            if (r > best) best = r;
            const double l = value - cost_a;
            if (l > left[b0 + b]) left[b0 + b] = l;
        }
        right[a0 + a] = best;
    }
    for (int64_t b = 0; b < nb; b++) slot_of[ids[b0 + b]] = 0;
}

/* decoder.prune and the re-indexing after it, in one pass: per position with more than ``keep``
 * candidates, the max-marginal of each (best left neighbour with its channel cost + best right
 * neighbour, less its own cost, in double as NumPy adds them), those within ``margin`` of the
 * best, the ``keep`` best of them (ties to the earlier candidate), in their order; every other
 * position keeps all. Out: per position its new size, and per kept candidate (laid out flat,
 * position by position) its index in its position, its id and its cost. ``right``, ``left``,
 * ``marginal``: room for one double per candidate; ``order``: one int64 per candidate;
 * ``slot_of``: one zeroed int32 per word of the vocabulary, ``lp``: one float per candidate
 * of the largest position. */
void prune_keep(const model_t *lm, const uint64_t *ids, const float *costs, const int64_t *sizes,
                const int64_t *offsets, int64_t n, int64_t keep, double margin, double *right,
                double *left, double *marginal, int64_t *order, int64_t *new_sizes,
                int64_t *kept, uint64_t *new_ids, float *new_costs, int32_t *slot_of, float *lp) {
    /* every block (p, p + 1) next to a big position, once: the right side of p and the left of
     * p + 1 */
    for (int64_t p = 0; p + 1 < n; p++) {
        if (sizes[p] <= keep && sizes[p + 1] <= keep) continue;
        block_maxima(lm, ids, costs, offsets[p], sizes[p], offsets[p + 1], sizes[p + 1], right,
                     left, slot_of, lp);
    }
    int64_t out = 0;
    for (int64_t p = 0; p < n; p++) {
        const int64_t o = offsets[p], size = sizes[p];
        if (size <= keep) {
            for (int64_t b = 0; b < size; b++, out++) {
                kept[out] = b;
                new_ids[out] = ids[o + b];
                new_costs[out] = costs[o + b];
            }
            new_sizes[p] = size;
            continue;
        }
        double top = -HUGE_VAL;
        for (int64_t b = 0; b < size; b++) {
            const double m = left[o + b] + right[o + b] - (double)costs[o + b];
            marginal[o + b] = m;
            if (b == 0 || m > top) top = m;
        }
        const double floor = top - margin;
        int64_t *close = order + o;
        int64_t n_close = 0;
        for (int64_t b = 0; b < size; b++)
            if (marginal[o + b] >= floor) close[n_close++] = b;
        const int64_t count = n_close < keep ? n_close : keep;
        /* the count best first (a partial selection: highest marginal, then earlier) */
        for (int64_t i = 0; i < count; i++) {
            int64_t best = i;
            for (int64_t j = i + 1; j < n_close; j++) {
                const double mj = marginal[o + close[j]], mb = marginal[o + close[best]];
                if (mj > mb || (mj == mb && close[j] < close[best])) best = j;
            }
            const int64_t t = close[i];
            close[i] = close[best];
            close[best] = t;
        }
        /* back in their order (insertion sort of a handful) */
        for (int64_t i = 1; i < count; i++) {
            const int64_t v = close[i];
            int64_t j = i - 1;
            while (j >= 0 && close[j] > v) {
                close[j + 1] = close[j];
                j--;
            }
            close[j + 1] = v;
        }
        for (int64_t i = 0; i < count; i++, out++) {
            kept[out] = close[i];
            new_ids[out] = ids[o + close[i]];
            new_costs[out] = costs[o + close[i]];
        }
        new_sizes[p] = count;
    }
}

/* The terms of decoder.confidences: for every candidate k of every word position t (``ts``,
 * n_ts of them; candidates laid out t by t), the float32 sum of the (up to) three windows of
 * its line that hold it with its neighbours on the best path, as NumPy adds them: the window
 * ending at t, then the one centred on t, then (where t + 2 is still in the line, ``last[t]``
 * its </s>) the one starting at t, else 0. */
void confidence_terms(const float *flat, const int64_t *offsets, const int64_t *sizes,
                      const int64_t *path, const int64_t *last, const int64_t *ts, int64_t n_ts,
                      float *local) {
    int64_t o = 0;
    for (int64_t n = 0; n < n_ts; n++) {
        const int64_t t = ts[n], size = sizes[t];
        const int64_t before = offsets[t - 2] + path[t - 2] * sizes[t - 1] * sizes[t] +
                               path[t - 1] * sizes[t];
        const int64_t centred = offsets[t - 1], after = offsets[t];
        const int64_t has_next2 = t + 2 <= last[t];
        for (int64_t k = 0; k < size; k++, o++) {
            float term = flat[before + k];
            term = term + flat[centred + (path[t - 1] * size + k) * sizes[t + 1] + path[t + 1]];
            const float third =
                has_next2 ? flat[after + (k * sizes[t + 1] + path[t + 1]) * sizes[t + 2] +
                                 path[t + 2]]
                          : 0.0f;
            local[o] = term + third;
        }
    }
}

/* Per row of an int32 distance table (far and above: not near; FAR = 1 << 20), the columns of
 * the takes[n] least distances, the lower column first among equals (the near keys of a
 * garbled key: key numbers are commonest first). Distances are small (at most 4 for keys in a
 * deletion neighbourhood), so the row is scanned once per distance up to its largest. */
void nearest_many(const int32_t *table, int64_t n_rows, int64_t n_cols, const int64_t *takes,
                  int64_t width, int64_t *out, int64_t *counts) {
    const int32_t far = 1 << 20;
    for (int64_t n = 0; n < n_rows; n++) {
        const int32_t *row = table + n * n_cols;
        int64_t *chosen = out + n * width;
        const int64_t take = takes[n] < width ? takes[n] : width;
        int32_t most = -1;
        for (int64_t c = 0; c < n_cols; c++)
            if (row[c] < far && row[c] > most) most = row[c];
        int64_t count = 0;
        for (int32_t d = 0; d <= most && count < take; d++)
            for (int64_t c = 0; c < n_cols && count < take; c++)
                if (row[c] == d) chosen[count++] = c;
        counts[n] = count;
    }
}

/* A valid (empty) Python module too, so that setuptools builds and names it as one. */
static struct PyModuleDef kernels_module = {PyModuleDef_HEAD_INIT, "_kernels",
                                            "compiled inner loops (called through ctypes)", -1,
                                            NULL};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&kernels_module); }
