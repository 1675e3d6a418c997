/*
 * Compiles a BPF capture filter with libpcap, as the sensor's pcap_setfilter would, without
 * opening an interface (pcap_open_dead), so a syntax error in a deployed filter is found here
 * and not at the sensor's start.
 *
 *   cc -o bpf-compile scripts/deploy/bpf-compile.c -lpcap
 *   bpf-compile LINKTYPE SNAPLEN FILTER     # LINKTYPE: 1 Ethernet, 113 Linux SLL, 276 SLL2 ("any")
 *
 * Exit 0 and the instruction count on stdout when it compiles; 1 and libpcap's message otherwise.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s LINKTYPE SNAPLEN FILTER\n", argv[0]);
    return 2;
  }
  pcap_t *p = pcap_open_dead(atoi(argv[1]), atoi(argv[2]));
  if (p == NULL) {
    fprintf(stderr, "pcap_open_dead failed for link type %s\n", argv[1]);
    return 2;
  }
  struct bpf_program prog;
  if (pcap_compile(p, &prog, argv[3], 1, PCAP_NETMASK_UNKNOWN) != 0) {
    fprintf(stderr, "%s\n", pcap_geterr(p));
    pcap_close(p);
    return 1;
  }
  printf("%u\n", prog.bf_len);
  pcap_freecode(&prog);
  pcap_close(p);
  return 0;
}
