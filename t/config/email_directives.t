# `apachectl -t` refuses bad mod_shop_email directives with a message naming the
# directive (URLs, addresses, templates, credentials, CA file, consumer group,
# what a running worker needs), and accepts a good configuration.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use ShopHttpd ();
use ShopTest qw(top_dir);

my $top = top_dir();
my $load = "LoadModule shop_email_module $top/build/mod_shop_email.so";
my $mail = "$top/conf/mail";
my $empty = tempdir(CLEANUP => 1);
my $broken = tempdir(CLEANUP => 1);
system("cp $mail/* $broken/ && printf 'no subject line\\n' > $broken/welcome.txt") == 0 or die;
my $token = "$empty/token";
open(my $fh, '>', $token) or die;
print $fh "ya29.token\n";
close $fh;

my @worker = ('ShopEmailWorker On', 'ShopEmailSMTP smtp://127.0.0.1:1025',
              'ShopEmailFrom "Shop <shop@example.test>"', "ShopEmailTemplates $mail",
              'ShopEmailDB "host=127.0.0.1 dbname=shop"');

my @cases = (
    [ 'ShopEmailSMTP http://mail.example.test',  qr/ShopEmailSMTP: 'http:\/\/mail\.example\.test' is not an smtp:\/\/ or smtps:\/\/ URL/ ],
    [ 'ShopEmailSMTP smtp://',                   qr/ShopEmailSMTP: 'smtp:\/\/' is not an smtp/ ],
    [ 'ShopEmailSMTP smtps://me:secret@smtp.example.test',
      qr/ShopEmailSMTP: put the login in ShopEmailUser and ShopEmailPassword/ ],
    [ 'ShopEmailFrom "Shop <not an address>"',   qr/ShopEmailFrom: 'not an address' is not an email address/ ],
    [ 'ShopEmailFrom "Shop <shop@example.test"', qr/ShopEmailFrom: write it as "Name <address>"/ ],
    [ 'ShopEmailFrom shop@',                     qr/ShopEmailFrom: 'shop\@' is not an email address/ ],
    [ "ShopEmailTemplates $empty",               qr/ShopEmailTemplates: cannot read \Q$empty\E\/welcome\.txt/ ],
    [ "ShopEmailTemplates $broken",              qr/ShopEmailTemplates: welcome\.txt must start with a line "Subject: \.\.\."/ ],
    [ 'ShopEmailDB "host=127.0.0.1 nosuch=1"',   qr/ShopEmailDB: invalid connection option "nosuch"/ ],
    [ 'ShopEmailShopURL ftp://shop.example.test', qr/ShopEmailShopURL: 'ftp:\/\/shop\.example\.test' is not an http\(s\) URL/ ],
    [ 'ShopEmailTimeout 0',                      qr/ShopEmailTimeout: '0' is not a number of seconds from 1 to 300/ ],
    [ 'ShopEmailTimeout soon',                   qr/ShopEmailTimeout: 'soon' is not a number of seconds/ ],
    [ "ShopEmailOAuth2TokenFile $empty/missing", qr/ShopEmailOAuth2TokenFile: \Q$empty\E\/missing is not a file/ ],
    [ "ShopEmailCAFile $empty/missing.pem",      qr/ShopEmailCAFile: \Q$empty\E\/missing\.pem is not a file/ ],
    [ "ShopEmailCAFile $empty",                  qr/ShopEmailCAFile: \Q$empty\E is not a file/ ],
    [ 'ShopEmailGroup "shop email"',             qr/ShopEmailGroup: 'shop email' is not a consumer group name/ ],
    [ 'ShopEmailGroup shop/email',               qr/ShopEmailGroup: 'shop\/email' is not a consumer group name/ ],
    [ 'ShopEmailPassword secret',                qr/ShopEmailPassword and ShopEmailOAuth2TokenFile need ShopEmailUser/ ],
    [ 'ShopEmailUser me@example.test',           qr/ShopEmailUser needs ShopEmailPassword or ShopEmailOAuth2TokenFile/ ],
    [ [ 'ShopEmailUser me@example.test', 'ShopEmailPassword secret', "ShopEmailOAuth2TokenFile $token" ],
      qr/ShopEmailPassword and ShopEmailOAuth2TokenFile exclude each other/ ],
    [ 'ShopEmailWorker On',                      qr/ShopEmailWorker On needs ShopEmailSMTP/ ],
    [ [ grep { !/ShopEmailTemplates/ } @worker ], qr/ShopEmailWorker On needs ShopEmailTemplates/ ],
    [ [ grep { !/ShopEmailDB/ } @worker ],        qr/ShopEmailWorker On needs ShopEmailDB/ ],
    [ "<VirtualHost 127.0.0.1:1>\nShopEmailSMTP smtp://127.0.0.1:1025\n</VirtualHost>",
      qr/ShopEmailSMTP cannot occur within <VirtualHost> section/ ],
);

plan tests => 2 * @cases + 4;

ShopHttpd::configtest_refuses([ $load, ref $_->[0] ? @{ $_->[0] } : $_->[0] ], $_->[1]) for @cases;

my ($status, $out) = ShopHttpd::configtest($load, @worker, 'ShopEmailStartTLS On',
                                           'ShopEmailUser me@example.test', 'ShopEmailPassword secret',
                                           'ShopEmailShopURL https://shop.example.test/',
                                           'ShopEmailTimeout 20', "ShopEmailCAFile $token",
                                           'ShopEmailGroup shop-email.test_2');
is($status, 0, 'a valid configuration (LOGIN) passes configtest') or diag $out;
like($out, qr/Syntax OK/, 'Syntax OK');

($status, $out) = ShopHttpd::configtest($load, @worker, 'ShopEmailSMTP smtps://smtp.gmail.com:465',
                                        'ShopEmailUser me@gmail.com', "ShopEmailOAuth2TokenFile $token");
is($status, 0, 'a valid configuration (XOAUTH2) passes configtest') or diag $out;
like($out, qr/Syntax OK/, 'Syntax OK');
