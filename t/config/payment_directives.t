# `apachectl -t` refuses bad mod_shop_payment directives with a message naming
# the directive, and the Stripe provider without its keys or with return URLs
# that are not absolute; a good configuration passes.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopHttpd ();
use ShopTest ();

my $load = 'LoadModule shop_payment_module ' . ShopTest::top_dir() . '/build/mod_shop_payment.so';
my @stripe = ('ShopPaymentProvider stripe', 'ShopStripeSecretKey sk_test_abc',
              'ShopStripeWebhookSecret whsec_abc',
              'ShopPaymentSuccessURL https://shop.test/done?session_id={CHECKOUT_SESSION_ID}',
              'ShopPaymentCancelURL https://shop.test/cart');

my @cases = (
    [ 'ShopPaymentProvider paypal',           qr/ShopPaymentProvider: 'paypal' is not test or stripe/ ],
    [ 'ShopPaymentCurrency USD',              qr/ShopPaymentCurrency: give a three-letter/ ],
    [ 'ShopPaymentCurrency euro',             qr/ShopPaymentCurrency: / ],
    [ 'ShopPaymentSuccessURL ftp://x/done',   qr/ShopPaymentSuccessURL: give a path/ ],
    [ 'ShopPaymentCancelURL cart',            qr/ShopPaymentCancelURL: give a path/ ],
    [ 'ShopPaymentMaxBody 10',                qr/ShopPaymentMaxBody: give bytes/ ],
    [ 'ShopPaymentMaxBody 64k',               qr/ShopPaymentMaxBody: give bytes/ ],
    [ 'ShopStripeAPI api.stripe.com',         qr/ShopStripeAPI: give an http\(s\) URL/ ],
    [ 'ShopStripeSecretKey pk_test_abc',      qr/ShopStripeSecretKey: a key starting with sk_/ ],
    [ 'ShopStripeWebhookSecret abc',          qr/ShopStripeWebhookSecret: a key starting with whsec_/ ],
    [ 'ShopStripeWebhookTolerance 0',         qr/ShopStripeWebhookTolerance: give seconds/ ],
    [ 'ShopStripeWebhookTolerance 300s',      qr/ShopStripeWebhookTolerance: give seconds/ ],
    [ [ grep { !/SecretKey/ } @stripe ],      qr/ShopPaymentProvider stripe needs ShopStripeSecretKey/ ],
    [ [ grep { !/WebhookSecret/ } @stripe ],  qr/ShopPaymentProvider stripe needs ShopStripeWebhookSecret/ ],
    [ [ grep { !/SuccessURL/ } @stripe ],     qr/ShopPaymentProvider stripe needs an absolute ShopPaymentSuccessURL/ ],
);

plan tests => 2 * @cases + 4;

ShopHttpd::configtest_refuses([ $load, ref $_->[0] ? @{ $_->[0] } : $_->[0] ], $_->[1]) for @cases;

my ($status, $out) = ShopHttpd::configtest($load, @stripe, 'ShopStripeAPI http://127.0.0.1:12111/',
                                           'ShopStripeWebhookTolerance 60', 'ShopPaymentMaxBody 65536');
is($status, 0, 'a valid Stripe configuration passes configtest') or diag $out;
like($out, qr/Syntax OK/, 'Syntax OK');
($status, $out) = ShopHttpd::configtest($load, 'ShopPaymentProvider test');
is($status, 0, 'the test provider needs nothing more') or diag $out;
like($out, qr/Syntax OK/, 'Syntax OK');
