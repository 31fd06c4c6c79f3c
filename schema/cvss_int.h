/*
 * cvss_int.h — what cvss.c (vector syntax, 3.x score) and cvss4.c (the
 * CVSS 4.0 metric table and score) share. Not for use outside those two
 * files and their unit test.
 *
 * A vector is checked against a table of metric_def: after the check,
 * idx[m] is the position of metric m's value in defs[m].values, or -1
 * when the vector does not carry m. The scoring code reads value letters
 * back through the same table, so the table is the one place that says
 * which values a metric has.
 */
#ifndef ADVDB_SCHEMA_CVSS_INT_H
#define ADVDB_SCHEMA_CVSS_INT_H

#define CVSS_MAX_VALUES 6

typedef struct metric_def {
	const char *name;
	int base;                              /* mandatory */
	const char *values[CVSS_MAX_VALUES];   /* NULL-terminated when short */
} metric_def;

/* Positions in cvss4_metrics: the 11 base metrics, the threat metric,
 * the 14 environmental and the 6 supplemental metrics, in the order of
 * the specification's vector string. */
enum {
	M4_AV, M4_AC, M4_AT, M4_PR, M4_UI, M4_VC, M4_VI, M4_VA, M4_SC, M4_SI,
	M4_SA, M4_E, M4_CR, M4_IR, M4_AR, M4_MAV, M4_MAC, M4_MAT, M4_MPR,
	M4_MUI, M4_MVC, M4_MVI, M4_MVA, M4_MSC, M4_MSI, M4_MSA, M4_S, M4_AU,
	M4_R, M4_V, M4_RE, M4_U, M4_COUNT
};

extern const metric_def cvss4_metrics[M4_COUNT];

/* The CVSS 4.0 score * 10 (0..100) of a checked vector: idx as above for
 * cvss4_metrics. Metrics the vector leaves out (or sets to X) take the
 * specification's defaults, so a base-only vector gets its CVSS-B score
 * and one with threat/environmental metrics its CVSS-BT/BE/BTE score.
 * -1 only if the vector falls outside the tables, which the tables rule
 * out for every checked vector (the caller then fails the parse). */
int cvss4_score10(const int *idx);

/* The macro vector (EQ1..EQ6 as six digits and a NUL) of a checked
 * vector. */
void cvss4_macro_vector(char out[7], const int *idx);

/* The lookup-table score * 10 of macro vector mv (six digits), or -1 when
 * mv is not one of the table's 270 macro vectors. */
int cvss4_macro_score10(const char *mv);

#endif
