/** Every seeded account's password (seeded sites are demos and benchmarks, never real ones). */
export const SEED_PASSWORD = 'seeded account password';

/** Words for seeded titles, tags and descriptions: ordinary English a video site would see. */
export const WORDS = `
garden bicycle repair kitchen recipe bread sourdough coffee guitar lesson piano chord song cover live concert
travel city mountain river lake forest hiking camping tent winter summer autumn spring rain snow storm sunset
school math physics chemistry biology history lecture tutorial beginner advanced guide tips tricks review unboxing
phone laptop camera lens drone battery solar panel electric car engine wheel brake chain tire workshop tools
wood chair table shelf paint wall floor roof window door house garden tomato potato onion garlic pepper soup
chess game puzzle strategy football basketball tennis swimming running marathon yoga stretch workout training
dog cat bird horse fish aquarium chicken farm tractor harvest field village market festival parade music dance
meeting council budget library museum gallery painting drawing sketch watercolor pottery clay knitting sewing
community volunteer charity church choir theater film documentary interview podcast news weather report update
science space rocket telescope planet moon star galaxy robot code programming python javascript linux server
network security privacy open source software hardware keyboard mouse monitor printer repair fix build make
morning evening night weekend holiday birthday wedding family friends kids children teacher students class
`.trim().split(/\s+/);
