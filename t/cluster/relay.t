# Only one outbox relay publishes at a time (a PostgreSQL advisory lock): the
# other worker's relay stands by. When the relaying httpd stops, the standby
# takes over, and events written after the stop are published (read back from
# the topic). The stopped httpd comes back as the standby.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use ShopCluster;

plan tests => 8;

sub relay_state { my $r = worker_report($_[0]); $r ? $r->{relay}{state} : 'down' }
sub roles { join ' ', map { relay_state($_) } 1, 2 }

my $roles;
ok(wait_for(30, sub { ($roles = roles()) =~ /^(relaying standby|standby relaying)$/ }, 0.5),
   "one relay relays, the other stands by ($roles)");
my $leader = $roles =~ /^relaying/ ? 1 : 2;
my $other = 3 - $leader;

# an event written through the standby's httpd is published by the leader
my ($id) = new_user($other, 'relay');
ok(wait_for(20, sub { kcat_values('user-events', $id) }, 0.5),
   "a sign-up on httpd$other is published (by httpd${leader}'s relay)");

my $restart = bless sub { cluster_httpd(start => $leader) }, 'ShopCluster::Guard';
cluster_httpd(stop => $leader);
ok(wait_for(30, sub { relay_state($other) eq 'relaying' }, 0.5),
   "httpd$leader stopped: httpd${other}'s relay takes over");
my ($after) = new_user($other, 'relay');
my @events;
ok(wait_for(20, sub { @events = kcat_values('user-events', $after) }, 0.5),
   'a sign-up after the stop is published');
is(scalar @events, 1, 'once');
is($events[0]{type}, 'user.created', 'as user.created');

undef $restart;
ok(wait_for(30, sub { relay_state($leader) eq 'standby' }, 0.5),
   "httpd$leader back: its relay stands by");
is(relay_state($other), 'relaying', "httpd$other keeps relaying");

package ShopCluster::Guard;
sub DESTROY { $_[0]->() }
