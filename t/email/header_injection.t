# Header values from events cannot add headers or recipients: CR/LF in a name or
# in the subject (from the order id) become spaces, so "\r\nBcc: x" stays text
# in its own header; the mail has one recipient and no Bcc. Names with quotes
# go out as quoted strings, non-ASCII names and subjects as RFC 2047 encoded
# words, and arrive as they were written.
use strict;
use warnings;
use utf8;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMail;

plan tests => 16;

my $tag = unique_tag();

# (header block, full message) of the mail with summary S
sub headers_of {
    my ($s) = @_;
    my $raw = mail_raw($s->{ID} // '');
    my ($head) = split /\r\n\r\n/, $raw, 2;
    return ($head // '', $raw);
}

# ---- a name carrying headers ------------------------------------------------------------

my $to = unique_address('inject');
my $evil = unique_address('evil');
publish_event('user-events', "u_$tag", 'user.created', "inject-name-$tag",
              { id => "u_$tag", email => $to, firstName => "Eve\r\nBcc: $evil",
                lastName => "Hacker\nSubject: hacked\r\n\r\nbody", username => "inject_$tag" });
my ($mail) = wait_mails($to, 1, 60);
ok($mail, 'the mail with CR/LF in the name arrives');
my $full = mail_message($mail->{ID} // '');
is(scalar @{ $full->{To} || [] }, 1, 'one To recipient');
is(scalar @{ $full->{Bcc} || [] } + scalar @{ $full->{Cc} || [] }, 0, 'no Bcc or Cc');
my ($head) = headers_of($mail);
unlike($head, qr/^(Bcc|Cc):/mi, 'no Bcc or Cc header in the raw message');
is(scalar(() = $head =~ /^Subject:/mg), 1, 'one Subject header');
like($head, qr/^To: "Eve  Bcc: \Q$evil\E Hacker Subject: hacked    body" <\Q$to\E>\r$/m,
     'the name stays inside the To header, line breaks as spaces');
like($head, qr/^Subject: Welcome to mod_shop, Eve  Bcc: \Q$evil\E!\r$/m, 'and so in the subject');
sleep 1;
is(scalar(mails_to($evil)), 0, 'nothing reached the injected address');

# ---- a subject carrying headers (the order id) --------------------------------------------

my $buyer = unique_address('subject');
my $order = "ord$tag\r\nBcc: $evil\r\nX-Injected: yes";
publish_event('order-events', "o_$tag", 'order.created', "inject-subject-$tag",
              { id => $order, email => $buyer, amount => 2, currency => 'usd', items => [] });
($mail) = wait_mails($buyer, 1, 60);
ok($mail, 'the mail with CR/LF in the order id arrives');
($head) = headers_of($mail);
unlike($head, qr/^(Bcc|X-Injected):/mi, 'no Bcc or X-Injected header');
is($mail->{Subject}, "Your order ord$tag  Bcc: $evil  X-Injected: yes is confirmed",
   'the subject keeps the text on one line');

# ---- quotes and non-ASCII ---------------------------------------------------------------

my $intl = unique_address('intl');
publish_event('order-events', "o2_$tag", 'order.created', "intl-$tag",
              { id => "commande-été-$tag", email => $intl, amount => 3, currency => 'eur', items => [],
                shipping => { name => 'Zoë "Zed" Ünal', email => $intl } });
($mail) = wait_mails($intl, 1, 60);
ok($mail, 'the mail with non-ASCII name and subject arrives');
($head) = headers_of($mail);
like($head, qr/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+\/=]+\?=/m, 'the subject as RFC 2047 encoded words');
like($head, qr/^To: =\?UTF-8\?B\?[A-Za-z0-9+\/=]+\?= <\Q$intl\E>\r$/m, 'the name too');
is($mail->{Subject}, "Your order commande-été-$tag is confirmed", 'the subject decodes as written');
is($mail->{To}[0]{Name}, 'Zoë "Zed" Ünal', 'the name decodes as written');
