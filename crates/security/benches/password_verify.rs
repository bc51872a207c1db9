//! Password verifications per second with the default (production) Argon2id parameters:
//! `cargo bench -p security --bench password_verify`. One verification is one Argon2id hash, so the figure is
//! also the cost an attacker pays per guess on one core.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use security::hashing::{Argon2Params, hash_password, verify_password};

fn bench(c: &mut Criterion) {
    let params = Argon2Params::default();
    let Ok(stored) = hash_password("tulip cobalt harbour wander", &params) else {
        return;
    };
    let mut g = c.benchmark_group("argon2id");
    g.throughput(Throughput::Elements(1));
    g.sample_size(20);
    g.bench_function(
        format!(
            "verify m={}KiB t={} p={}",
            params.memory_kib, params.iterations, params.parallelism
        ),
        |b| b.iter(|| verify_password("tulip cobalt harbour wander", &stored, &params)),
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
