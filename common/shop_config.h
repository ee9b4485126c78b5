/*
 * shop_config.h: what the modules' server configurations share. A field left
 * unset is NULL (pointers) or SHOP_UNSET (numbers); merging a virtual host's
 * configuration over the main server's keeps whatever the virtual host set.
 * Inside a merge function with base, add and conf:
 *
 *     SHOP_MERGE_PTR(issuer);
 *     SHOP_MERGE_INT(max_body);
 */
#ifndef SHOP_CONFIG_H
#define SHOP_CONFIG_H

#define SHOP_UNSET (-1)
#define SHOP_MERGE_PTR(f)  conf->f = add->f ? add->f : base->f
#define SHOP_MERGE_INT(f)  conf->f = add->f != SHOP_UNSET ? add->f : base->f

#endif
