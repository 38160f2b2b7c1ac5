#!/usr/bin/perl
# Runs the `corralctl check` / `corralctl explain` scenarios in tests/cases/check/*.case.
# A case file holds: comment lines, then blocks started by "--- " lines:
#   --- file PATH [MODE]     contents of a config file (PATH relative to a temp dir)
#   --- dir PATH [MODE]      an (empty) directory
#   --- symlink PATH TARGET  a symbolic link
#   --- run ARGS...          corralctl ARGS (run in the temp dir), then:
#   --- expect exit N        the exit status and the exact stdout+stderr lines
use strict;
use warnings;
use File::Temp qw(tempdir);
use File::Path qw(make_path);
use File::Basename qw(dirname);

my $build = $ENV{CORRAL_BUILD} || 'build';
my $ctl = "$build/corralctl";
$ctl = "$ENV{PWD}/$ctl" unless $ctl =~ m{^/};
my @cases = sort glob('tests/cases/check/*.case');

if ($> != 0) {
    print "1..0 # SKIP config files must be owned by root: run as root\n";
    exit 0;
}
print '1..', 2 * scalar(@cases), "\n";
my $n = 0;

for my $case (@cases) {
    open my $fh, '<', $case or die "$case: $!";
    my @blocks;
    while (my $line = <$fh>) {
        if ($line =~ /^--- (.*)$/) {
            push @blocks, { head => $1, body => '' };
        } elsif (@blocks) {
            $blocks[-1]{body} .= $line;
        }
    }
    close $fh;

    my $dir = tempdir('corral-case-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    my ($args, $want_exit, $want_out) = ('check -c corral.ini', 0, '');
    for my $b (@blocks) {
        my @w = split ' ', $b->{head};
        if ($w[0] eq 'file') {
            make_path(dirname("$dir/$w[1]"), { mode => 0755 });
            open my $out, '>', "$dir/$w[1]" or die "$dir/$w[1]: $!";
            print $out $b->{body};
            close $out;
            chmod oct($w[2] // '0644'), "$dir/$w[1]";
        } elsif ($w[0] eq 'dir') {
            make_path("$dir/$w[1]");
            chmod oct($w[2] // '0755'), "$dir/$w[1]";
        } elsif ($w[0] eq 'symlink') {
            symlink $w[2], "$dir/$w[1]" or die "symlink: $!";
        } elsif ($w[0] eq 'run') {
            $args = join ' ', @w[1 .. $#w];
        } elsif ($w[0] eq 'expect') {
            $want_exit = $w[2];
            $want_out = $b->{body};
        } else {
            die "$case: unknown block '$b->{head}'";
        }
    }
    my $got = `cd '$dir' && '$ctl' $args 2>&1`;
    my $exit = $? >> 8;
    $n++;
    print(($exit == $want_exit ? 'ok' : 'not ok'), " $n - $case: exit $want_exit\n");
    print "#   got exit $exit\n" if $exit != $want_exit;
    $n++;
    if ($got eq $want_out) {
        print "ok $n - $case: output\n";
    } else {
        print "not ok $n - $case: output\n";
        print map { "#   want: $_\n" } split /\n/, $want_out;
        print map { "#   got:  $_\n" } split /\n/, $got;
    }
}
