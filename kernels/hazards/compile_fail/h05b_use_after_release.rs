// expect: E0382
// A pool whose loans are guards: releasing moves the guard into the pool, so the old loan
// cannot be read afterwards.
pub struct Pool {
    free: Vec<Box<[u64; 8]>>,
}

pub struct Loan(Box<[u64; 8]>);

impl Pool {
    pub fn acquire(&mut self) -> Loan {
        Loan(self.free.pop().unwrap_or_default())
    }

    pub fn release(&mut self, loan: Loan) {
        self.free.push(loan.0);
    }
}

pub fn use_after_release(pool: &mut Pool) -> u64 {
    let loan = pool.acquire();
    pool.release(loan);
    loan.0[0]
}
