/* Node names: what a host is called in a token directory and its files. */
#ifndef NODE_H
#define NODE_H

#define NODE_MAX	64	/* with the NUL */

int	 node_valid(const char *);

#endif
