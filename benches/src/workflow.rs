//! `workflow/*`: a hit's whole lifecycle, its dispatch packet, and hot-plate validation.

use std::hint::black_box;

use alpr_core::Policy;
use alpr_core::hotplate::{self, HotPlateForm};
use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::workflow::{self, ClearsResponse, DispatchInput, Event, HitWorkflow, Outcome};
use criterion::{Criterion, Throughput};

pub(crate) fn define(c: &mut Criterion) {
    let policy = Policy::sacramento();
    let mut g = c.benchmark_group("workflow");
    g.throughput(Throughput::Elements(1));
    let events = [
        Event::Acknowledge,
        Event::Broadcast,
        Event::Confirm {
            response: ClearsResponse::all(true),
        },
        Event::Stop,
        Event::RecordBasis,
        Event::Stop,
        Event::Close {
            outcome: Outcome::Recovered,
        },
    ];
    g.bench_function("hit_lifecycle_7_events", |b| {
        b.iter(|| {
            let mut h = HitWorkflow::new(ListKind::Standard, Category::StolenVehicle, Origin::Vehicle, &policy);
            for e in black_box(events) {
                let _ = h.apply(e);
            }
            assert_eq!(h.call_types().len(), 2);
            h
        });
    });
    let mut input = DispatchInput::new(ListKind::Standard, Category::StolenVehicle, Origin::Fixed);
    input.list_id = "SVS".into();
    input.match_kind = Some("confusable".into());
    input.positions = vec![3];
    input.vehicle.make = Some("HOND".into());
    g.bench_function("dispatch_packet_json", |b| {
        b.iter(|| workflow::dispatch_packet(black_box(&input), &policy).to_json());
    });
    let form = HotPlateForm {
        plate: Some("7ABC123".into()),
        jurisdiction: Some("CA".into()),
        entered_at: Some("2026-10-15T10:00:00-07:00".into()),
        expires_at: Some("2026-11-14T10:00:00-08:00".into()),
        ..HotPlateForm::default()
    };
    g.bench_function("hot_plate_validate", |b| {
        b.iter(|| {
            let v = hotplate::validate(black_box(&form), &policy);
            assert!(v.is_ok());
            v
        });
    });
    g.finish();
}
