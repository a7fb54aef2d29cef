/*
 * txtbench.c — performance figures of the text engine for `make bench`.
 *
 * Generates a 1,500-word article in Spanish and one in Arabic from a
 * vocabulary of real words (deterministic, paragraph by paragraph, with the
 * odd phone number and Latin name in the Arabic one), lays each out at body
 * size (28 px) in a 1,100 px column as a 1280-px-wide screen would, then
 * draws into SDL software renderers.  Prints, one per line:
 *
 *   text_layout_first_ms_es: X ms   first layout of the Spanish article
 *   text_layout_first_ms_ar: X ms   first layout of the Arabic article
 *   text_layout_cached_ms: X ms     both articles again (cache hits), slower one
 *   glyph_cache_peak_mb: X MB       texture cache peak after drawing both
 *   scroll_frame_p99_ar_ms: X ms    p99 frame time, Arabic article in a
 *                                   1280x800 renderer at 300 scroll offsets
 *
 * "First" means cold layout and width caches; the font files are opened
 * before timing (that is start-up, not layout).  Run from the repo root.
 */
#include "txt.h"
#include "benchclock.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORDS      1500
#define PX         28
#define COLUMN     1100
#define SCREEN_W   1280
#define SCREEN_H   800
#define FRAMES     300
#define MAX_PARAS  128

static const char *es_words[] = {
    "derecho", "asilo", "refugio", "persona", "personas", "migrante", "migrantes", "familia",
    "niños", "niñas", "adolescentes", "frontera", "albergue", "ayuda", "gratuita", "gratis",
    "información", "documento", "documentos", "pasaporte", "consulado", "embajada", "autoridad",
    "autoridades", "policía", "migración", "solicitud", "protección", "internacional", "trámite",
    "salud", "médico", "atención", "psicológica", "legal", "abogado", "organización", "Cruz",
    "Roja", "línea", "teléfono", "llamar", "llame", "puede", "pueden", "debe", "deben", "tiene",
    "tienes", "nadie", "nunca", "siempre", "cuando", "donde", "porque", "aunque", "también",
    "para", "por", "con", "sin", "sobre", "entre", "hasta", "desde", "durante", "contra", "la",
    "el", "los", "las", "un", "una", "de", "del", "en", "y", "o", "que", "no", "se", "su", "sus",
    "a", "al", "es", "son", "está", "están", "ser", "hacer", "pedir", "obligar", "volver",
    "lugar", "vida", "peligro", "riesgo", "riesgos", "camino", "ruta", "rutas", "viaje",
    "traficante", "traficantes", "trata", "engaño", "engaños", "trabajo", "promesa", "deuda",
    "dinero", "pago", "cobrar", "quitar", "retener", "señales", "víctima", "denunciar",
    "confidencial", "seguro", "segura", "comida", "agua", "ropa", "noche", "días", "semanas",
    "país", "origen", "tránsito", "destino", "México", "Guatemala", "Panamá", "Colombia",
    "Darién", "selva", "río", "tren", "autobús", "oficina", "servicio", "servicios", "horario",
    "lunes", "viernes", "mañana", "tarde", "contacto", "mensaje", "WhatsApp", "hijo", "hija",
    "madre", "padre", "separados", "buscar", "encontrar", "reunir", "Restablecimiento",
    "Contacto", "Familiar", "condición", "estatus", "regular", "irregular", "detención",
    "deportación", "audiencia", "intérprete", "idioma", "explicar", "firmar", "entender",
};

static const char *ar_words[] = {
    "حق", "اللجوء", "الحماية", "الدولية", "شخص", "الأشخاص", "المهاجرين", "المهاجر", "العائلة",
    "الأطفال", "القاصرين", "الحدود", "المأوى", "مساعدة", "مجانية", "مجاناً", "معلومات", "وثيقة",
    "الوثائق", "جواز", "السفر", "القنصلية", "السفارة", "السلطات", "الشرطة", "الهجرة", "طلب",
    "إجراءات", "الصحة", "طبيب", "رعاية", "نفسية", "قانونية", "محامٍ", "منظمة", "الصليب",
    "الأحمر", "خط", "هاتف", "اتصل", "يمكن", "يمكنك", "يجب", "لديك", "لا", "أحد", "أبداً",
    "دائماً", "عندما", "حيث", "لأن", "أيضاً", "من", "إلى", "في", "على", "عن", "مع", "بدون",
    "بين", "حتى", "خلال", "ضد", "و", "أو", "أن", "هو", "هي", "هذا", "هذه", "التي", "الذي",
    "طلب", "إجبار", "العودة", "مكان", "الحياة", "خطر", "مخاطر", "الطريق", "الرحلة", "المهرب",
    "المهربين", "الاتجار", "بالبشر", "خداع", "عمل", "وعد", "دين", "المال", "دفع", "علامات",
    "ضحية", "الإبلاغ", "سري", "آمن", "طعام", "ماء", "ملابس", "الليل", "أيام", "أسابيع", "بلد",
    "المنشأ", "العبور", "الوجهة", "المكسيك", "غواتيمالا", "بنما", "كولومبيا", "الغابة", "النهر",
    "القطار", "الحافلة", "مكتب", "خدمة", "الخدمات", "مواعيد", "الاثنين", "الجمعة", "صباحاً",
    "مساءً", "رسالة", "ابن", "ابنة", "الأم", "الأب", "منفصلين", "البحث", "لمّ", "الشمل",
    "الوضع", "القانوني", "الاحتجاز", "الترحيل", "جلسة", "مترجم", "اللغة", "شرح", "توقيع", "فهم",
};

static const char *ar_extras[] = { "+1 202 555 0143", "UNHCR", "Ahmed", "112", "WhatsApp", "2024" };

static unsigned rng = 20240601u;
static unsigned next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) & 0x7FFF;
}

typedef struct article { char *para[MAX_PARAS]; int n; } article;

/* Appends paragraphs of 40-90 words until `words` words are written. */
static void make_article(article *a, const char **vocab, size_t nvocab, int rtl)
{
    int left = WORDS;
    a->n = 0;
    while (left > 0 && a->n < MAX_PARAS) {
        int n = 40 + (int)(next_rand() % 51), sentence = 0;
        if (n > left) n = left;
        char *p = calloc(1, (size_t)n * 48 + 16);
        for (int i = 0; i < n; i++, sentence++) {
            const char *w = vocab[next_rand() % nvocab];
            if (rtl && next_rand() % 40 == 0) w = ar_extras[next_rand() % 6];
            if (i) strcat(p, " ");
            if (!rtl && sentence == 0) {                 /* capitalise an ASCII initial */
                size_t o = strlen(p);
                strcat(p, w);
                if (p[o] >= 'a' && p[o] <= 'z') p[o] = (char)(p[o] - 32);
            } else strcat(p, w);
            if (sentence > 6 && next_rand() % 8 == 0) { strcat(p, rtl ? "،" : ","); }
            if (sentence > 8 && next_rand() % 6 == 0) { strcat(p, "."); sentence = -1; }
        }
        strcat(p, ".");
        a->para[a->n++] = p;
        left -= n;
    }
}

static txt_params body(const char *text, int rtl)
{
    txt_params p;
    memset(&p, 0, sizeof p);
    p.text = text;
    p.len = -1;
    p.px = PX;
    p.width = COLUMN;
    p.dir = rtl ? TXT_DIR_RTL : TXT_DIR_AUTO;
    return p;
}

/* Lays out every paragraph; returns the time and the total height. */
static double layout_article(txt_ctx *t, const article *a, int rtl, int *height)
{
    double t0 = now_ms();
    int h = 0;
    for (int i = 0; i < a->n; i++) {
        txt_params p = body(a->para[i], rtl);
        int pw, ph;
        txt_measure(t, &p, &pw, &ph);
        h += ph + PX;                               /* paragraph gap */
    }
    if (height) *height = h;
    return now_ms() - t0;
}

/* Draws the article scrolled by `offset`, skipping paragraphs out of view
 * as a screen does. */
static void draw_article(txt_ctx *t, SDL_Renderer *r, const article *a, int rtl, int offset, int view_h)
{
    int y = 20 - offset;
    for (int i = 0; i < a->n && y < view_h; i++) {
        txt_params p = body(a->para[i], rtl);
        int pw, ph;
        txt_measure(t, &p, &pw, &ph);
        if (y + ph > 0) txt_draw(t, r, &p, (SCREEN_W - COLUMN) / 2, y, (txt_color){ 30, 30, 30, 255 });
        y += ph + PX;
    }
}

static double scroll_p99(txt_ctx *t, const article *a, int height)
{
    static double frame[FRAMES];
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, SCREEN_W, SCREEN_H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    if (!r) return -1;
    int range = height > SCREEN_H ? height - SCREEN_H : 0;
    for (int i = 0; i < FRAMES; i++) {
        double t0 = now_ms();
        SDL_SetRenderDrawColor(r, 250, 250, 250, 255);
        SDL_RenderClear(r);
        draw_article(t, r, a, 1, (int)((long)range * i / (FRAMES - 1)), SCREEN_H);
        SDL_RenderPresent(r);
        frame[i] = now_ms() - t0;
    }
    txt_drop_textures(t);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
    qsort(frame, FRAMES, sizeof frame[0], cmp_double);
    return frame[(FRAMES * 99 + 99) / 100 - 1];
}

/* Draws the whole Spanish article once into a tall canvas. */
static void draw_tall(txt_ctx *t, const article *a, int height)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, SCREEN_W, height + 40, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    if (r) {
        draw_article(t, r, a, 0, 0, height + 40);
        SDL_RenderPresent(r);
        txt_drop_textures(t);
        SDL_DestroyRenderer(r);
    }
    if (s) SDL_FreeSurface(s);
}

int main(void)
{
    char err[256];
    txt_ctx *t = txt_new("assets/fonts", 0, err, sizeof err);
    article es, ar;
    int hes, har;
    if (!t) { fprintf(stderr, "txtbench: %s\n", err); return 1; }
    make_article(&es, es_words, sizeof es_words / sizeof *es_words, 0);
    make_article(&ar, ar_words, sizeof ar_words / sizeof *ar_words, 1);
    txt_params warm = body("x ع", 0);            /* opens the font files */
    txt_measure(t, &warm, NULL, NULL);

    double es_ms = layout_article(t, &es, 0, &hes);
    double ar_ms = layout_article(t, &ar, 1, &har);
    double c1 = layout_article(t, &es, 0, NULL), c2 = layout_article(t, &ar, 1, NULL);
    printf("text_layout_first_ms_es: %.2f ms\n", es_ms);
    printf("text_layout_first_ms_ar: %.2f ms\n", ar_ms);
    printf("text_layout_cached_ms: %.3f ms\n", c1 > c2 ? c1 : c2);

    draw_tall(t, &es, hes);
    double p99 = scroll_p99(t, &ar, har);
    txt_stats st;
    txt_get_stats(t, &st);
    printf("glyph_cache_peak_mb: %.1f MB\n", st.texture_peak_bytes / 1048576.0);
    printf("scroll_frame_p99_ar_ms: %.2f ms\n", p99);

    for (int i = 0; i < es.n; i++) free(es.para[i]);
    for (int i = 0; i < ar.n; i++) free(ar.para[i]);
    txt_free(t);
    SDL_Quit();
    return 0;
}
