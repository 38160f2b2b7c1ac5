package Cases;
# The scenario-case format of tests/cases/**/*.case, read by tests/pam.t
# (tests/cases/pam/) and tests/check-cases.t (tests/cases/check/).
#
# A case file is a preamble (its first lines: what the case shows, and for
# some suites directives such as "user USER"), then blocks, each started by
# a line "--- KIND ARGS..." and holding the lines up to the next "--- ":
#   --- file PATH [MODE]     the contents of PATH (relative to the case's
#                            directory; default mode 0644)
#   --- dir PATH [MODE]      an (empty) directory (default mode 0755)
#   --- symlink PATH TARGET  a symbolic link
# and the kinds a suite gives a meaning of its own (expect, run, reject...).
#
#   my $case = Cases::read_case($path);
#     { path, name (the file name without .case), preamble => [lines],
#       blocks => [ { kind, args => [words after the kind], head (the text
#       after "--- "), text (the block's lines, each ending in "\n") } ] }
#   Cases::list($suite)        sorted tests/cases/SUITE/*.case
#   Cases::lines($block)       the block's non-empty lines, without "\n"
#   Cases::make($dir, $block [, $filter])
#                              makes a file, dir or symlink block in $dir
#                              (a file's text through $filter when given);
#                              false for any other kind
use strict;
use warnings;
use File::Basename qw(basename dirname);
use File::Path qw(make_path);

sub list {
    my ($suite) = @_;
    return sort glob("tests/cases/$suite/*.case");
}

sub read_case {
    my ($path) = @_;
    open my $fh, '<', $path or die "$path: $!";
    my %c = (path => $path, name => basename($path, '.case'), preamble => [], blocks => []);
    while (my $line = <$fh>) {
        if ($line =~ /^--- (.*)$/) {
            my $head = $1;
            my ($kind, @args) = split ' ', $head;
            push @{ $c{blocks} }, { kind => $kind // '', args => \@args, head => $head, text => '' };
        } elsif (@{ $c{blocks} }) {
            $c{blocks}[-1]{text} .= $line;
        } else {
            chomp $line;
            push @{ $c{preamble} }, $line;
        }
    }
    close $fh;
    return \%c;
}

sub lines {
    my ($block) = @_;
    return grep { length } split /\n/, $block->{text};
}

sub make {
    my ($dir, $b, $filter) = @_;
    my ($path, $arg) = @{ $b->{args} };
    if ($b->{kind} eq 'file') {
        make_path(dirname("$dir/$path"), { mode => 0755 });
        open my $out, '>', "$dir/$path" or die "$dir/$path: $!";
        print $out ($filter ? $filter->($b->{text}) : $b->{text});
        close $out;
        chmod oct($arg // '0644'), "$dir/$path";
    } elsif ($b->{kind} eq 'dir') {
        make_path("$dir/$path");
        chmod oct($arg // '0755'), "$dir/$path";
    } elsif ($b->{kind} eq 'symlink') {
        symlink $arg, "$dir/$path" or die "symlink: $!";
    } else {
        return 0;
    }
    return 1;
}

1;
