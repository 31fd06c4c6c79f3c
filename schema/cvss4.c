/*
 * cvss4.c — the CVSS 4.0 metric table and score, as FIRST specifies them
 * ("Common Vulnerability Scoring System v4.0: Specification Document",
 * section 8, and the tables of FIRST's reference calculator that the
 * specification points to).
 *
 * The score of a checked vector:
 *   1. Each scored metric takes its effective value: the modified
 *      environmental metric (MAV, MVC, MSI ...) when the vector sets it,
 *      else the base value; E, CR, IR and AR left out or X take the worst
 *      case (E:A, CR/IR/AR:H). So a base vector gets CVSS-B, and a vector
 *      with threat or environmental metrics CVSS-BT/BE/BTE, as FIRST's
 *      calculator and rustsec's cvss crate score it.
 *   2. No impact at all (VC VI VA SC SI SA all N) scores 0.0.
 *   3. EQ1..EQ6 give the macro vector; the lookup table gives the score
 *      of its highest-severity vectors.
 *   4. Each of EQ1, EQ2, EQ3+EQ6 (taken together), EQ4 and EQ5 that has a
 *      next lower macro vector adds a share: (table score - the lower
 *      macro vector's) * (the vector's severity distance from a highest
 *      vector of its macro vector / the macro vector's depth). EQ5's
 *      distance is always 0, but it counts in the mean.
 *   5. Score = table score - mean of the shares, clamped to 0..10 and
 *      rounded half up to one decimal.
 *
 * The arithmetic is exact: severity levels are small integers (the
 * calculator's steps of 0.1, times 10), scores are tenths, and the mean
 * is one fraction over n * 840 (840 is the lcm of every depth), so a tie
 * x.x5 rounds up as the specification means. FIRST's calculator works in
 * binary floating point, where some ties land one ulp low; its current
 * version adds 1e-6 before rounding to lift them, which gives the exact
 * result for every vector (a non-tie value is at least 1/84000 from a
 * tie). Its older copy without that lift scores some ties a tenth lower;
 * the unit test lists such vectors.
 *
 * Invariants: no allocation, no state; every table below is data
 * transcribed from FIRST's calculator, the code is written here.
 */
#include "cvss_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

const metric_def cvss4_metrics[M4_COUNT] = {
	[M4_AV] = { "AV", 1, { "N", "A", "L", "P" } },
	[M4_AC] = { "AC", 1, { "L", "H" } },
	[M4_AT] = { "AT", 1, { "N", "P" } },
	[M4_PR] = { "PR", 1, { "N", "L", "H" } },
	[M4_UI] = { "UI", 1, { "N", "P", "A" } },
	[M4_VC] = { "VC", 1, { "H", "L", "N" } },
	[M4_VI] = { "VI", 1, { "H", "L", "N" } },
	[M4_VA] = { "VA", 1, { "H", "L", "N" } },
	[M4_SC] = { "SC", 1, { "H", "L", "N" } },
	[M4_SI] = { "SI", 1, { "H", "L", "N" } },
	[M4_SA] = { "SA", 1, { "H", "L", "N" } },
	[M4_E] = { "E", 0, { "X", "A", "P", "U" } },
	[M4_CR] = { "CR", 0, { "X", "H", "M", "L" } },
	[M4_IR] = { "IR", 0, { "X", "H", "M", "L" } },
	[M4_AR] = { "AR", 0, { "X", "H", "M", "L" } },
	[M4_MAV] = { "MAV", 0, { "X", "N", "A", "L", "P" } },
	[M4_MAC] = { "MAC", 0, { "X", "L", "H" } },
	[M4_MAT] = { "MAT", 0, { "X", "N", "P" } },
	[M4_MPR] = { "MPR", 0, { "X", "N", "L", "H" } },
	[M4_MUI] = { "MUI", 0, { "X", "N", "P", "A" } },
	[M4_MVC] = { "MVC", 0, { "X", "H", "L", "N" } },
	[M4_MVI] = { "MVI", 0, { "X", "H", "L", "N" } },
	[M4_MVA] = { "MVA", 0, { "X", "H", "L", "N" } },
	[M4_MSC] = { "MSC", 0, { "X", "H", "L", "N" } },
	[M4_MSI] = { "MSI", 0, { "X", "S", "H", "L", "N" } },
	[M4_MSA] = { "MSA", 0, { "X", "S", "H", "L", "N" } },
	[M4_S] = { "S", 0, { "X", "N", "P" } },
	[M4_AU] = { "AU", 0, { "X", "N", "Y" } },
	[M4_R] = { "R", 0, { "X", "A", "U", "I" } },
	[M4_V] = { "V", 0, { "X", "D", "C" } },
	[M4_RE] = { "RE", 0, { "X", "L", "M", "H" } },
	[M4_U] = { "U", 0, { "X", "Clear", "Green", "Amber", "Red" } },
};

/*
 * Macro vector -> score * 10 of its highest-severity vectors: the 270
 * entries of FIRST's CVSS v4.0 calculator, cvss_lookup.js
 * (FIRSTdotorg/cvss-v4-calculator c5b0d40, 2024-08-19; identical in
 * cvss40.js of RedHatProductSecurity/cvss-v4-calculator d1eafe0,
 * 2024-11-01). Copyright FIRST, Red Hat and contributors, BSD-2-Clause.
 * Sorted by macro vector (EQ1..EQ6 digits), for bsearch. The 54 other
 * digit combinations are the impossible EQ3=2/EQ6=0 ones.
 */
static const struct macro_entry {
	char mv[7];
	unsigned char score10;
} macro_table[] = {
	{"000000", 100}, {"000001",  99}, {"000010",  98}, {"000011",  95},
	{"000020",  95}, {"000021",  92}, {"000100", 100}, {"000101",  96},
	{"000110",  93}, {"000111",  87}, {"000120",  91}, {"000121",  81},
	{"000200",  93}, {"000201",  90}, {"000210",  89}, {"000211",  80},
	{"000220",  81}, {"000221",  68}, {"001000",  98}, {"001001",  95},
	{"001010",  95}, {"001011",  92}, {"001020",  90}, {"001021",  84},
	{"001100",  93}, {"001101",  92}, {"001110",  89}, {"001111",  81},
	{"001120",  81}, {"001121",  65}, {"001200",  88}, {"001201",  80},
	{"001210",  78}, {"001211",  70}, {"001220",  69}, {"001221",  48},
	{"002001",  92}, {"002011",  82}, {"002021",  72}, {"002101",  79},
	{"002111",  69}, {"002121",  50}, {"002201",  69}, {"002211",  55},
	{"002221",  27}, {"010000",  99}, {"010001",  97}, {"010010",  95},
	{"010011",  92}, {"010020",  92}, {"010021",  85}, {"010100",  95},
	{"010101",  91}, {"010110",  90}, {"010111",  83}, {"010120",  84},
	{"010121",  71}, {"010200",  92}, {"010201",  81}, {"010210",  82},
	{"010211",  71}, {"010220",  72}, {"010221",  53}, {"011000",  95},
	{"011001",  93}, {"011010",  92}, {"011011",  85}, {"011020",  85},
	{"011021",  73}, {"011100",  92}, {"011101",  82}, {"011110",  80},
	{"011111",  72}, {"011120",  70}, {"011121",  59}, {"011200",  84},
	{"011201",  70}, {"011210",  71}, {"011211",  52}, {"011220",  50},
	{"011221",  30}, {"012001",  86}, {"012011",  75}, {"012021",  52},
	{"012101",  71}, {"012111",  52}, {"012121",  29}, {"012201",  63},
	{"012211",  29}, {"012221",  17}, {"100000",  98}, {"100001",  95},
	{"100010",  94}, {"100011",  87}, {"100020",  91}, {"100021",  81},
	{"100100",  94}, {"100101",  89}, {"100110",  86}, {"100111",  74},
	{"100120",  77}, {"100121",  64}, {"100200",  87}, {"100201",  75},
	{"100210",  74}, {"100211",  63}, {"100220",  63}, {"100221",  49},
	{"101000",  94}, {"101001",  89}, {"101010",  88}, {"101011",  77},
	{"101020",  76}, {"101021",  67}, {"101100",  86}, {"101101",  76},
	{"101110",  74}, {"101111",  58}, {"101120",  59}, {"101121",  50},
	{"101200",  72}, {"101201",  57}, {"101210",  57}, {"101211",  52},
	{"101220",  52}, {"101221",  25}, {"102001",  83}, {"102011",  70},
	{"102021",  54}, {"102101",  65}, {"102111",  58}, {"102121",  26},
	{"102201",  53}, {"102211",  21}, {"102221",  13}, {"110000",  95},
	{"110001",  90}, {"110010",  88}, {"110011",  76}, {"110020",  76},
	{"110021",  70}, {"110100",  90}, {"110101",  77}, {"110110",  75},
	{"110111",  62}, {"110120",  61}, {"110121",  53}, {"110200",  77},
	{"110201",  66}, {"110210",  68}, {"110211",  59}, {"110220",  52},
	{"110221",  30}, {"111000",  89}, {"111001",  78}, {"111010",  76},
	{"111011",  67}, {"111020",  62}, {"111021",  58}, {"111100",  74},
	{"111101",  59}, {"111110",  57}, {"111111",  57}, {"111120",  47},
	{"111121",  23}, {"111200",  61}, {"111201",  52}, {"111210",  57},
	{"111211",  29}, {"111220",  24}, {"111221",  16}, {"112001",  71},
	{"112011",  59}, {"112021",  30}, {"112101",  58}, {"112111",  26},
	{"112121",  15}, {"112201",  23}, {"112211",  13}, {"112221",   6},
	{"200000",  93}, {"200001",  87}, {"200010",  86}, {"200011",  72},
	{"200020",  75}, {"200021",  58}, {"200100",  86}, {"200101",  74},
	{"200110",  74}, {"200111",  61}, {"200120",  56}, {"200121",  34},
	{"200200",  70}, {"200201",  54}, {"200210",  52}, {"200211",  40},
	{"200220",  40}, {"200221",  22}, {"201000",  85}, {"201001",  75},
	{"201010",  74}, {"201011",  55}, {"201020",  62}, {"201021",  51},
	{"201100",  72}, {"201101",  57}, {"201110",  55}, {"201111",  41},
	{"201120",  46}, {"201121",  19}, {"201200",  53}, {"201201",  36},
	{"201210",  34}, {"201211",  19}, {"201220",  19}, {"201221",   8},
	{"202001",  64}, {"202011",  51}, {"202021",  20}, {"202101",  47},
	{"202111",  21}, {"202121",  11}, {"202201",  24}, {"202211",   9},
	{"202221",   4}, {"210000",  88}, {"210001",  75}, {"210010",  73},
	{"210011",  53}, {"210020",  60}, {"210021",  50}, {"210100",  73},
	{"210101",  55}, {"210110",  59}, {"210111",  40}, {"210120",  41},
	{"210121",  20}, {"210200",  54}, {"210201",  43}, {"210210",  45},
	{"210211",  22}, {"210220",  20}, {"210221",  11}, {"211000",  75},
	{"211001",  55}, {"211010",  58}, {"211011",  45}, {"211020",  40},
	{"211021",  21}, {"211100",  61}, {"211101",  51}, {"211110",  48},
	{"211111",  18}, {"211120",  20}, {"211121",   9}, {"211200",  46},
	{"211201",  18}, {"211210",  17}, {"211211",   7}, {"211220",   8},
	{"211221",   2}, {"212001",  53}, {"212011",  24}, {"212021",  14},
	{"212101",  24}, {"212111",  12}, {"212121",   5}, {"212201",  10},
	{"212211",   3}, {"212221",   1},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(NELEM(macro_table) == 270, "FIRST's table has 270 entries");

/*
 * The metrics that enter the score, grouped as the EQs use them. A value's
 * severity level is the position of its letter in `levels`: FIRST's
 * levels 0.0, 0.1, 0.2 ... times 10 (lower is more severe). SC, SI and SA
 * share one scale that starts at S (Safety, reachable only through MSI or
 * MSA), so their H is 1, as in the calculator.
 */
enum {
	S_AV, S_PR, S_UI,                        /* EQ1 */
	S_AC, S_AT,                              /* EQ2 */
	S_VC, S_VI, S_VA, S_CR, S_IR, S_AR,      /* EQ3 and EQ6 */
	S_SC, S_SI, S_SA,                        /* EQ4 */
	S_E,                                     /* EQ5 */
	S_COUNT
};

static const struct scored {
	int metric;        /* cvss4_metrics position */
	int modified;      /* its modified metric, -1 none */
	char dflt;         /* value when left out or X (0: mandatory) */
	const char *levels;
} scored[S_COUNT] = {
	[S_AV] = { M4_AV, M4_MAV, 0, "NALP" },
	[S_PR] = { M4_PR, M4_MPR, 0, "NLH" },
	[S_UI] = { M4_UI, M4_MUI, 0, "NPA" },
	[S_AC] = { M4_AC, M4_MAC, 0, "LH" },
	[S_AT] = { M4_AT, M4_MAT, 0, "NP" },
	[S_VC] = { M4_VC, M4_MVC, 0, "HLN" },
	[S_VI] = { M4_VI, M4_MVI, 0, "HLN" },
	[S_VA] = { M4_VA, M4_MVA, 0, "HLN" },
	[S_CR] = { M4_CR, -1, 'H', "HML" },
	[S_IR] = { M4_IR, -1, 'H', "HML" },
	[S_AR] = { M4_AR, -1, 'H', "HML" },
	[S_SC] = { M4_SC, M4_MSC, 0, "SHLN" },
	[S_SI] = { M4_SI, M4_MSI, 0, "SHLN" },
	[S_SA] = { M4_SA, M4_MSA, 0, "SHLN" },
	[S_E] = { M4_E, -1, 'A', "APU" },
};

/*
 * The highest-severity vectors of each EQ level and the depth (max
 * severity distance + 1) of each, from FIRST's calculator,
 * max_composed.js and max_severity.js (same versions as the table). A
 * vector is written as the letters of its group's metrics in the order
 * of the enum above: "ALP" for EQ1 is AV:A/PR:L/UI:P. EQ3 and EQ6 are
 * one group, indexed [eq3][eq6]; EQ5's highest vector is its own E.
 */
#define MAX_CANDIDATES 5
typedef const char *const candidates[MAX_CANDIDATES + 1];

static candidates max_eq1[3] = {
	{ "NNN" },
	{ "ANN", "NLN", "NNP" },
	{ "PNN", "ALP" },
};
static candidates max_eq2[2] = {
	{ "LN" },
	{ "HN", "LP" },
};
static candidates max_eq36[3][2] = {
	{ { "HHHHHH" }, { "HHLMMH", "HHHMMM" } },
	{ { "LHHHHH", "HLHHHH" },
	  { "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM" } },
	{ { NULL }, { "LLLHHH" } },
};
static candidates max_eq4[3] = {
	{ "HSS" },
	{ "HHH" },
	{ "LLL" },
};
static const int depth_eq1[3] = { 1, 4, 5 };
static const int depth_eq2[2] = { 1, 2 };
static const int depth_eq36[3][2] = { { 7, 6 }, { 8, 8 }, { 0, 10 } };
static const int depth_eq4[3] = { 6, 5, 4 };
#define DEPTH_LCM 840    /* lcm of every depth above */

static char value_letter(const int *idx, int m)
{
	return idx[m] < 0 ? 'X' : cvss4_metrics[m].values[idx[m]][0];
}

/* The level of value letter v of scored metric s, -1 when v is not on
 * its scale (the metric table admits no such value). */
static int level(int s, char v)
{
	const char *p = v ? strchr(scored[s].levels, v) : NULL;

	return p ? (int)(p - scored[s].levels) : -1;
}

/* Effective value letters (step 1 above). */
static void effective(char *eff, const int *idx)
{
	for (int s = 0; s < S_COUNT; s++) {
		char v = scored[s].modified >= 0
		    ? value_letter(idx, scored[s].modified) : 'X';
		if (v == 'X')
			v = value_letter(idx, scored[s].metric);
		eff[s] = v == 'X' ? scored[s].dflt : v;
	}
}

/* EQ1..EQ6 of the effective values, as the specification's table of
 * equivalence sets defines them. */
static void macro(int *mv, const char *e)
{
	int avn = e[S_AV] == 'N', prn = e[S_PR] == 'N', uin = e[S_UI] == 'N';
	int vch = e[S_VC] == 'H', vih = e[S_VI] == 'H', vah = e[S_VA] == 'H';

	mv[0] = avn && prn && uin ? 0
	    : (avn || prn || uin) && e[S_AV] != 'P' ? 1 : 2;
	mv[1] = e[S_AC] == 'L' && e[S_AT] == 'N' ? 0 : 1;
	mv[2] = vch && vih ? 0 : vch || vih || vah ? 1 : 2;
	mv[3] = e[S_SI] == 'S' || e[S_SA] == 'S' ? 0
	    : e[S_SC] == 'H' || e[S_SI] == 'H' || e[S_SA] == 'H' ? 1 : 2;
	mv[4] = level(S_E, e[S_E]);
	mv[5] = (e[S_CR] == 'H' && vch) || (e[S_IR] == 'H' && vih) ||
	        (e[S_AR] == 'H' && vah) ? 0 : 1;
}

static int cmp_entry(const void *key, const void *elem)
{
	return strcmp(key, ((const struct macro_entry *)elem)->mv);
}

int cvss4_macro_score10(const char *mv)
{
	const struct macro_entry *e;

	if (!mv || strlen(mv) != 6)
		return -1;
	e = bsearch(mv, macro_table, NELEM(macro_table), sizeof(*e),
	            cmp_entry);
	return e ? e->score10 : -1;
}

/* Score * 10 of mv with digit `eq` (0-based) raised by `by`, -1 when
 * that is no macro vector (the lower one does not exist). */
static int lookup(const int *mv, int eq, int by)
{
	char key[7];

	for (int i = 0; i < 6; i++) {
		int d = mv[i] + (i == eq ? by : 0);
		if (d < 0 || d > 9)
			return -1;
		key[i] = (char)('0' + d);
	}
	key[6] = '\0';
	return cvss4_macro_score10(key);
}

void cvss4_macro_vector(char out[7], const int *idx)
{
	char eff[S_COUNT];
	int mv[6];

	effective(eff, idx);
	macro(mv, eff);
	for (int i = 0; i < 6; i++)
		out[i] = mv[i] >= 0 ? (char)('0' + mv[i]) : '?';
	out[6] = '\0';
}

/* One EQ's part of step 4. */
typedef struct eq_share {
	int first;               /* first scored metric of the group */
	const char *const *max;  /* its highest vectors */
	int depth;
	int lower;               /* score * 10 of the lower macro vector, -1 */
	int dist;                /* severity distance from the chosen max */
} eq_share;

/* Severity distance of the vector (levels lv) from highest vector m of
 * the group starting at `first`; *ok is 0 when the vector is more severe
 * than m in some metric (m is then not a highest vector above it). */
static int distance(const int *lv, int first, const char *m, int *ok)
{
	int sum = 0;

	*ok = 1;
	for (int k = 0; m[k]; k++) {
		assert(level(first + k, m[k]) >= 0);  /* the tables above */
		int d = lv[first + k] - level(first + k, m[k]);
		if (d < 0)
			*ok = 0;
		sum += d;
	}
	return sum;
}

/*
 * Pick, per group, the first highest vector the vector does not exceed.
 * The calculator tries the composed vectors (every combination, EQ1
 * outermost) and takes the first one that no metric exceeds: as each
 * group's check is independent, that is the first fitting one of every
 * group. When some group has none it keeps the distances of the last
 * combination tried, i.e. of every group's last candidate; the tables
 * make that impossible, and it is done the same way here all the same.
 */
static void choose_max(eq_share *g, size_t n, const int *lv)
{
	int all_fit = 1;

	for (size_t i = 0; i < n; i++) {
		int ok = 0;
		for (size_t c = 0; c < MAX_CANDIDATES && g[i].max[c]; c++) {
			g[i].dist = distance(lv, g[i].first, g[i].max[c], &ok);
			if (ok)
				break;
		}
		all_fit = all_fit && ok;
	}
	if (all_fit)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t c = 0;
		int ok;
		if (!g[i].max[0])
			continue;
		while (c + 1 < MAX_CANDIDATES && g[i].max[c + 1])
			c++;
		g[i].dist = distance(lv, g[i].first, g[i].max[c], &ok);
	}
}

int cvss4_score10(const int *idx)
{
	char eff[S_COUNT];
	int lv[S_COUNT], mv[6];

	effective(eff, idx);
	for (int s = 0; s < S_COUNT; s++)
		if ((lv[s] = level(s, eff[s])) < 0)
			return -1;
	if (eff[S_VC] == 'N' && eff[S_VI] == 'N' && eff[S_VA] == 'N' &&
	    eff[S_SC] == 'N' && eff[S_SI] == 'N' && eff[S_SA] == 'N')
		return 0;
	macro(mv, eff);

	/* EQ3=2 implies EQ6=1, so every reachable macro vector is in the
	 * table; fail rather than guess if that ever stopped holding */
	int value = lookup(mv, 0, 0);
	if (value < 0)
		return -1;

	/* EQ3+EQ6 step down together: 00 to the higher of 01 and 10, 10 to
	 * 11, 01 and 11 to the next EQ3 (21 has nothing below). */
	int lower36;
	if (mv[5] == 0 && mv[2] == 0) {
		int left = lookup(mv, 5, 1), right = lookup(mv, 2, 1);
		lower36 = left > right ? left : right;
	} else if (mv[5] == 0) {
		lower36 = lookup(mv, 5, 1);
	} else {
		lower36 = lookup(mv, 2, 1);
	}

	eq_share g[4] = {
		{ S_AV, max_eq1[mv[0]], depth_eq1[mv[0]], lookup(mv, 0, 1), 0 },
		{ S_AC, max_eq2[mv[1]], depth_eq2[mv[1]], lookup(mv, 1, 1), 0 },
		{ S_VC, max_eq36[mv[2]][mv[5]], depth_eq36[mv[2]][mv[5]],
		  lower36, 0 },
		{ S_SC, max_eq4[mv[3]], depth_eq4[mv[3]], lookup(mv, 3, 1), 0 },
	};
	choose_max(g, NELEM(g), lv);

	/* mean share = shares / (DEPTH_LCM * n), in tenths of a point */
	long long shares = 0;
	int n = lookup(mv, 4, 1) >= 0;   /* EQ5 counts, its share is 0 */
	for (size_t i = 0; i < NELEM(g); i++) {
		if (g[i].lower < 0)
			continue;
		if (g[i].depth <= 0 || DEPTH_LCM % g[i].depth != 0)
			return -1;   /* the tables above rule it out */
		n++;
		shares += (long long)(value - g[i].lower) * g[i].dist *
		          (DEPTH_LCM / g[i].depth);
	}
	if (n == 0)
		return value;
	long long den = (long long)DEPTH_LCM * n;
	long long num = value * den - shares;    /* score * 10 * den */
	if (num <= 0)
		return 0;
	if (num >= 100 * den)
		return 100;
	return (int)((2 * num + den) / (2 * den));   /* half up */
}
