# Mail over TLS with a login, as Gmail takes it, to a mailpit of this test's own
# ($SHOP_SMTP_AUTH_PORT, API $SHOP_MAILPIT_AUTH_PORT) that requires STARTTLS
# and AUTH (user:password file) with a self-signed certificate, then implicit
# TLS (smtps://). A small httpd of its own runs the mail worker (ShopEmailGroup
# of its own, placed at the end of the topics so that it mails only this
# test's events; ShopEmailDB on a schema of its own, so the suite's worker,
# which mails the same events to the stack's mailpit, cannot mark them sent):
#  - without ShopEmailCAFile the certificate is not trusted: no mail, a retry;
#  - a wrong password: no mail, a retry naming the SMTP server;
#  - the right password without STARTTLS: no mail, a retry (530);
#  - the right password (same group: the waiting event comes again): the mail
#    arrives (this mailpit takes mail only over TLS and with a login);
#  - smtps:// with the right password: the mail arrives.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Socket::INET ();
use JSON::PP ();
use ShopTest;
use ShopHttpd;
use ShopMail;

plan tests => 16;

my $top = top_dir();
my $tag = unique_tag();
my $dir = tempdir(CLEANUP => 1);
chmod 0755, $dir;
my ($smtp_port, $api_port) = @ENV{qw(SHOP_SMTP_AUTH_PORT SHOP_MAILPIT_AUTH_PORT)};
local $ShopMail::API_PORT = $api_port;

system('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
       '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', "$dir/key.pem",
       '-out', "$dir/cert.pem", '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost') == 0
    or die "openssl req failed\n";
chmod 0644, "$dir/cert.pem", "$dir/key.pem";
open(my $fh, '>', "$dir/users") or die $!;
print $fh "shop:right-$tag\n";
close $fh;

# mailpit(TLS FLAG) -> a guard of a mailpit that requires TLS (FLAG) and a login
sub mailpit {
    my ($tls) = @_;
    my $bin = "$ENV{SHOP_CACHE}/bin/mailpit-v1.27.11";
    die "mailpit is not in the cache (make deps)\n" unless -x $bin;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open(STDOUT, '>>', "$dir/mailpit.log");
        open(STDERR, '>&', \*STDOUT);
        exec($bin, '--smtp', "127.0.0.1:$smtp_port", '--listen', "127.0.0.1:$api_port",
             '--database', "$dir/mailpit-$tls.db", '--smtp-disable-rdns', '--disable-version-check',
             '--smtp-tls-cert', "$dir/cert.pem", '--smtp-tls-key', "$dir/key.pem", $tls,
             '--smtp-auth-file', "$dir/users") or die "exec: $!";
    }
    my $guard = bless sub { kill 'TERM', $pid; waitpid($pid, 0) }, 'ShopTest::Guard';
    wait_for(20, sub { IO::Socket::INET->new("127.0.0.1:$smtp_port")
                       && IO::Socket::INET->new("127.0.0.1:$api_port") })
        or die "mailpit did not start on $smtp_port: " . `cat $dir/mailpit.log`;
    return $guard;
}

# the worker's group, at the end of its topics before it first runs
my $group = "smtp-auth-$tag";
my @topics = map { ('--topic', $_) } qw(user-events order-events payment-events);
system("java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "
       . "-Dlog4j2.configurationFile=$top/scripts/kafka/log4j2.properties "
       . "-cp '$ENV{SHOP_CACHE}/kafka-4.1.1/lib/*' "
       . "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "
       . "--bootstrap-server 127.0.0.1:$ENV{SHOP_KAFKA_PORT} --group $group --reset-offsets "
       . "--to-latest @topics --execute >$dir/group.log 2>&1") == 0
    or die "placing $group at the end failed: " . `cat $dir/group.log`;

# the worker's own email_sent
my $schema = "smtp_auth_$tag";
sql("create schema $schema; create table $schema.email_sent (like public.email_sent including all)");
my $drop = bless sub { sql("set client_min_messages = warning; drop schema $schema cascade") }, 'ShopTest::Guard';
my $conninfo = "host=127.0.0.1 port=$ENV{SHOP_PG_PORT} dbname=$ENV{SHOP_DB} "
             . "user=$ENV{SHOP_DB_USER} connect_timeout=3 options=-csearch_path=$schema";

# worker(URL, STARTTLS, PASSWORD, CA) -> a started httpd mailing through the test's mailpit
sub worker {
    my ($url, $starttls, $password, $ca) = @_;
    my $h = ShopHttpd->new(modules => [ "shop_email_module $top/build/mod_shop_email.so" ],
                           conf => <<"CONF" . ($ca ? "ShopEmailCAFile $dir/cert.pem\n" : ''));
ShopKafkaBrokers 127.0.0.1:$ENV{SHOP_KAFKA_PORT}
ShopKafkaWorker On
ShopEmailWorker On
ShopEmailGroup $group
ShopEmailSMTP $url
ShopEmailStartTLS $starttls
ShopEmailUser shop
ShopEmailPassword $password
ShopEmailFrom "Shop <shop\@example.test>"
ShopEmailTemplates $top/conf/mail
ShopEmailDB "$conninfo"
ShopEmailTimeout 10
CONF
    $h->start or die "httpd did not start: $h->{why}";
    $h->wait_for(30, sub { $h->log =~ /consumer email \(group \Q$group\E\)/ })
        or die "the mail consumer did not start: " . $h->log;
    return $h;
}

# welcome(NAME) -> the address of a user.created event published now
sub welcome {
    my ($name) = @_;
    my $to = unique_address("smtp-$name");
    publish_event('user-events', "smtp_$name$tag", 'user.created', "smtp-$name-$tag",
                  { id => "smtp_$name$tag", email => $to, firstName => 'Tess', lastName => 'Tls',
                    username => "smtp_$name$tag" });
    return $to;
}

# retried(H, QR): the worker logged a retry of the mail whose reason matches QR
sub retried {
    my ($h, $why) = @_;
    return $h->wait_for(40, sub {
        $h->log =~ /SHOP01010: consumer email: user-events\/\d+\@\d+ [^\n]*SMTP \Q$h->{url}\E[^\n]*$why/
    });
}

my $smtp = "smtp://127.0.0.1:$smtp_port";
my $mailpit = mailpit('--smtp-require-starttls');

my $h = worker($smtp, 'On', "right-$tag", 0);
$h->{url} = $smtp;
my $to = welcome('starttls');
ok(retried($h, qr/SSL peer certificate|certificate/i),
   'without ShopEmailCAFile the self-signed certificate is refused and the mail waits')
    or diag $h->log;
is(scalar(mails_to($to)), 0, '... no mail');
$h->stop;

$h = worker($smtp, 'On', "wrong-$tag", 1);
$h->{url} = $smtp;
ok(retried($h, qr/Login denied|reply 535/), 'a wrong password: the login is refused and the mail waits')
    or diag $h->log;
is(scalar(mails_to($to)), 0, '... no mail');
$h->stop;

$h = worker($smtp, 'Off', "right-$tag", 1);
$h->{url} = $smtp;
ok(retried($h, qr/reply 530/), 'the right password without STARTTLS: refused (530), the mail waits')
    or diag $h->log;
is(scalar(mails_to($to)), 0, '... no mail');
$h->stop;

$h = worker($smtp, 'On', "right-$tag", 1);
my @mails = wait_mails($to, 1, 60);
is(scalar @mails, 1, 'the right password: the waiting mail arrives (STARTTLS, LOGIN)')
    or diag $h->log;
is($mails[0]{Subject}, 'Welcome to Shop, Tess!', '... the welcome mail');
is(sql_value("select recipient from $schema.email_sent where event_id = :'p1'", "smtp-starttls-$tag"),
   $to, '... recorded in the worker\'s own email_sent');
$h->stop;

# smtps://: implicit TLS
undef $mailpit;
$mailpit = mailpit('--smtp-require-tls');
my $smtps = "smtps://127.0.0.1:$smtp_port";
$h = worker($smtps, 'Off', "wrong-$tag", 1);
$h->{url} = $smtps;
$to = welcome('smtps');
ok(retried($h, qr/Login denied|reply 535/), 'smtps:// with a wrong password: refused, the mail waits')
    or diag $h->log;
is(scalar(mails_to($to)), 0, '... no mail');
$h->stop;

$h = worker($smtps, 'Off', "right-$tag", 1);
@mails = wait_mails($to, 1, 60);
is(scalar @mails, 1, 'smtps:// with the right password: the mail arrives') or diag $h->log;
is($mails[0]{Subject}, 'Welcome to Shop, Tess!', '... the welcome mail');
sleep 2;
is(scalar(mails_to($to)), 1, '... once');
unlike($h->log, qr/event smtp-starttls-/, 'the STARTTLS event, mailed, does not come again');
my $all = JSON::PP::decode_json(ShopMail::api_get('/messages') // '{}');
is($all->{total}, 1, "this mailpit got this test's mail only (the group began at the end)");
