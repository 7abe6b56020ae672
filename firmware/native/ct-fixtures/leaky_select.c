/*
 * Constant-time test fixture: a DELIBERATELY LEAKY table lookup.
 * Compiled into ge25519.c only with -DED25519_CT_FIXTURE_LEAKY (never into the
 * blob or the host signer). It branches on the secret digit and indexes the
 * table with it - exactly what the ctgrind test must detect.
 */
void ge_select(ge_niels *t, unsigned table, int32_t digit) {
  uint32_t w[24];
  unsigned i;
  int32_t absd = digit < 0 ? -digit : digit; /* secret-dependent branch */
  if (absd == 0) {                           /* secret-dependent branch */
    for (i = 0; i < 24; i++) w[i] = 0;
    w[0] = 1;
    w[8] = 1;
  } else {
    for (i = 0; i < 24; i++) w[i] = ed_base_table[table][absd - 1][i]; /* secret index */
  }
  fe_from_words(&t->ypx, w);
  fe_from_words(&t->ymx, w + 8);
  fe_from_words(&t->xy2d, w + 16);
  if (digit < 0) { /* secret-dependent branch */
    fe tmp;
    fe_copy(&tmp, &t->ypx);
    fe_copy(&t->ypx, &t->ymx);
    fe_copy(&t->ymx, &tmp);
    fe_neg(&t->xy2d, &t->xy2d);
  }
}
